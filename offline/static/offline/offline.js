/* Offline use of saved courses (ADR 0041). Loaded only by pages that asked for it: the save
 * page, the "kept on this device" page, and lesson pages once a course was saved.
 *
 * It registers the service worker, saves, updates and removes course copies, shows the
 * offline indicator, and sends the queue the service worker kept when the connection
 * returns. Every text it shows comes translated from the page's data attributes or from the
 * server's answers.
 */
(function () {
  "use strict";

  const panel = document.getElementById("offline-status");
  if (!panel) return;
  const data = panel.dataset;
  const t = (name) => data["t" + name.charAt(0).toUpperCase() + name.slice(1)] || "";
  const BATCH = 50;
  const results = [];
  let notice = "";

  if (!("serviceWorker" in navigator) || !("caches" in window) || !("indexedDB" in window)) {
    panel.hidden = false;
    panel.querySelector("[data-offline-line]").textContent = t("unsupported");
    return;
  }

  // --- IndexedDB: the queue, the saved copies and who is signed in (shared with sw.js) ---

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("ilm-offline", 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("queue", { keyPath: "key" });
        db.createObjectStore("copies", { keyPath: "id" });
        db.createObjectStore("meta");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(name, mode, action) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const request = action(tx.objectStore(name));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }

  const all = (name) => run(name, "readonly", (s) => s.getAll());

  // --- The indicator ---

  async function render() {
    panel.hidden = false;
    const line = panel.querySelector("[data-offline-line]");
    line.textContent = navigator.onLine ? t("online") : t("offline");
    panel.classList.toggle("is-offline", !navigator.onLine);
    const copies = (await all("copies")).filter((c) => c.lang === data.lang);
    panel.querySelector("[data-offline-saved]").textContent = copies.length
      ? t("saved") + " " + copies.map((c) => c.title).join(", ")
      : t("nothingSaved");
    const queue = (await all("queue")).filter((i) => !data.user || i.user === Number(data.user));
    const queueLine = panel.querySelector("[data-offline-queue]");
    queueLine.textContent = notice || (queue.length ? t("waiting").replace("{n}", queue.length) : "");
    queueLine.dataset.count = String(queue.length);
    const list = panel.querySelector("[data-offline-results]");
    list.replaceChildren();
    if (results.length) {
      const head = document.createElement("li");
      head.textContent = t("results");
      list.append(head);
    }
    results.forEach((result) => {
      const item = document.createElement("li");
      item.textContent = result.message || result.code || "";
      item.dataset.status = result.status;
      if (result.code) item.dataset.code = result.code;
      list.append(item);
    });
    const remove = document.querySelector("[data-offline-remove]");
    if (remove) remove.hidden = !copies.some((c) => String(c.course) === data.course);
  }

  // --- Saving, updating and removing a copy ---

  const sameOrigin = (url) => {
    try {
      return new URL(url, location.href).origin === location.origin;
    } catch (error) {
      return false;
    }
  };

  function subresources(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const found = [];
    doc.querySelectorAll("link[rel~=stylesheet], link[rel~=icon], script[src], img[src]")
      .forEach((node) => {
        const url = node.getAttribute("href") || node.getAttribute("src");
        if (url && sameOrigin(url)) found.push(new URL(url, location.href).pathname);
      });
    return found;
  }

  // H5P activities on their own origin (ADR 0061): each saved lesson's activity frame is
  // opened once, out of sight, so the service worker of that origin keeps its player,
  // libraries and content. Without that origin activities play online only, as the save
  // page says.
  function activityFrames(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    return [...doc.querySelectorAll("iframe[data-h5p-activity]")]
      .map((node) => node.getAttribute("src"))
      .filter((src) => src && !sameOrigin(src));
  }

  function keepActivity(src) {
    return new Promise((resolve) => {
      const frame = document.createElement("iframe");
      frame.setAttribute("sandbox", "allow-scripts allow-same-origin");
      frame.setAttribute("aria-hidden", "true");
      frame.tabIndex = -1;
      frame.style.cssText = "position:absolute;left:-10000px;width:360px;height:300px;border:0";
      let done = null;
      const finish = (kept) => {
        clearTimeout(done);
        window.removeEventListener("message", listen);
        frame.remove();
        resolve(kept);
      };
      const listen = (event) => {
        if (event.source === frame.contentWindow && event.data && event.data.type === "ilm-h5p:kept") {
          finish(event.data.kept > 0);
        }
      };
      window.addEventListener("message", listen);
      done = setTimeout(() => finish(false), 30000);
      frame.src = src;
      document.body.appendChild(frame);
    });
  }

  async function saveCopy(manifest) {
    const name = `ilm-course-${manifest.course}-${data.lang}`;
    const cache = await caches.open(name);
    const wanted = new Set(manifest.urls);
    const queue = [...manifest.urls];
    const activities = [];
    while (queue.length) {
      const url = queue.shift();
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) throw new Error(url);
      if ((response.headers.get("Content-Type") || "").startsWith("text/html")) {
        const html = await response.clone().text();
        activities.push(...activityFrames(html));
        subresources(html).forEach((found) => {
          if (!wanted.has(found)) {
            wanted.add(found);
            queue.push(found);
          }
        });
      }
      await cache.put(url, response);
    }
    for (const src of new Set(activities)) await keepActivity(src);
    // Pages and images the course no longer has leave the copy.
    for (const request of await cache.keys()) {
      if (!wanted.has(new URL(request.url).pathname)) await cache.delete(request);
    }
    await run("copies", "readwrite", (s) =>
      s.put({
        id: `${manifest.course}-${data.lang}`,
        course: manifest.course,
        lang: data.lang,
        title: manifest.title,
        version: manifest.version,
        manifestUrl: data.manifestUrl || `/${data.lang}/offline/courses/${manifest.course}/manifest.json`,
        size: manifest.size,
        savedAt: new Date().toISOString(),
      })
    );
  }

  async function removeCopy(copy) {
    await caches.delete(`ilm-course-${copy.course}-${copy.lang}`);
    await run("copies", "readwrite", (s) => s.delete(copy.id));
    if (!(await all("copies")).length) {
      document.cookie = "ilm_offline=; max-age=0; path=/; samesite=lax";
    }
  }

  async function refreshCopies() {
    // A republished course gets a new version: its copy is saved again. A course the learner
    // may no longer read (withdrawn) leaves the device.
    for (const copy of await all("copies")) {
      if (copy.lang !== data.lang || !navigator.onLine) continue;
      let response;
      try {
        response = await fetch(copy.manifestUrl, { credentials: "same-origin", cache: "no-store" });
      } catch (error) {
        return;
      }
      if (response.status === 404) {
        await removeCopy(copy);
      } else if (response.ok) {
        const manifest = await response.json();
        if (manifest.version !== copy.version) {
          await saveCopy(manifest);
          notice = t("updated");
        }
      }
    }
  }

  function wireSaveForm() {
    const form = document.querySelector("form[data-offline-save]");
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      notice = t("saving");
      render();
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!response.ok) throw new Error(String(response.status));
        await navigator.serviceWorker.ready;
        await saveCopy(await response.json());
        notice = t("savedNow");
        panel.dataset.saved = "true";
      } catch (error) {
        notice = t("failed");
      }
      render();
    });
    const remove = document.querySelector("[data-offline-remove]");
    if (remove) {
      remove.addEventListener("click", async () => {
        const copy = (await all("copies")).find(
          (c) => String(c.course) === data.course && c.lang === data.lang
        );
        if (copy) await removeCopy(copy);
        notice = t("removed");
        render();
      });
    }
  }

  // --- Sending the queue ---

  // Answers whether the queue still holds this account's items that could not be sent.
  async function sendQueue() {
    if (!navigator.onLine) return false;
    const queue = await all("queue");
    if (!queue.length) return false;
    let who;
    try {
      const response = await fetch(data.syncUrl, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return true;
      who = await response.json();
    } catch (error) {
      return true;
    }
    // Only this account's items are sent; another account's stay for when it signs in.
    const mine = queue.filter((item) => item.user === null || item.user === who.user);
    notice = t("sending");
    render();
    let unsent = false;
    for (let start = 0; start < mine.length; start += BATCH) {
      const batch = mine.slice(start, start + BATCH).map((item) => ({
        key: item.key,
        kind: item.kind,
        lesson: item.lesson,
        user: item.user,
        payload: item.payload,
      }));
      let answer;
      try {
        const response = await fetch(data.syncUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": who.csrf },
          body: JSON.stringify({ items: batch }),
        });
        if (!response.ok) {
          unsent = true;
          break;
        }
        answer = await response.json();
      } catch (error) {
        unsent = true;
        break;
      }
      for (const result of answer.results) {
        if (result.status === "later") continue;
        results.push(result);
        if (result.key) await run("queue", "readwrite", (s) => s.delete(result.key));
      }
    }
    notice = "";
    if (unsent) return true;
    panel.dataset.synced = String(results.length);
    return false;
  }

  // The "online" event often comes before the connection carries anything, and a mobile
  // link drops again; a failed sending is tried again later, waiting longer each time.
  const RETRY_SECONDS = [2, 5, 15, 30, 60];
  let retries = 0;
  let retryTimer = null;

  async function sync() {
    clearTimeout(retryTimer);
    // One tab sends at a time; the server's idempotency keys make a second sending harmless.
    const unsent = navigator.locks
      ? await navigator.locks.request("ilm-offline-sync", sendQueue)
      : await sendQueue();
    if (unsent && navigator.onLine) {
      const wait = RETRY_SECONDS[Math.min(retries, RETRY_SECONDS.length - 1)];
      retries += 1;
      retryTimer = setTimeout(sync, wait * 1000);
    } else {
      retries = 0;
    }
    render();
  }

  function wireBackLink() {
    const back = document.querySelector("[data-offline-back]");
    const path = new URLSearchParams(location.search).get("back") || "";
    if (back && path.startsWith("/") && !path.startsWith("//")) back.href = path;
  }

  async function start() {
    wireSaveForm();
    wireBackLink();
    if (data.user) await run("meta", "readwrite", (s) => s.put(data.user, "user"));
    await render();
    navigator.serviceWorker.register(data.sw, { scope: "/" }).catch(() => {});
    navigator.serviceWorker.addEventListener("message", render);
    window.addEventListener("online", async () => {
      await sync();
      await refreshCopies();
      render();
    });
    window.addEventListener("offline", render);
    await sync();
    await refreshCopies();
    render();
    panel.dataset.ready = "true";
  }

  start();
})();
