/* Ilm's service worker (ADR 0041), served at /sw.js so it controls every language's pages.
 *
 * - Saved courses live in one cache each ("ilm-course-<id>-<lang>"), filled by offline.js.
 * - Pages: network first, the saved copy when the network fails (a saved lesson opened
 *   online is refreshed in its cache, so its quiz state stays current).
 * - Images, styles and scripts in a saved copy: cache first.
 * - Offline, the mark-complete and quiz forms and H5P statements are queued in IndexedDB
 *   with a random idempotency key; offline.js sends the queue when the connection returns.
 *   The browser never computes a score: quiz items carry the chosen options only.
 */
"use strict";

const DB_NAME = "ilm-offline";
const COURSE_CACHE_PREFIX = "ilm-course-";
const QUEUED_PATH = /^\/[a-zA-Z-]+\/offline\/queued\/$/;
const COMPLETE = /^\/[a-zA-Z-]+\/learn\/lessons\/(\d+)\/complete\/$/;
const QUIZ = /^\/[a-zA-Z-]+\/learn\/lessons\/(\d+)\/quiz\/$/;
const ASSETS = new Set(["image", "style", "script", "font"]);
const STATEMENT = /^\/h5p\/statements\/(\d+)\/([0-9a-f-]{36})\/$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
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

function store(db, name, mode) {
  return db.transaction(name, mode).objectStore(name);
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function enqueue(item) {
  const db = await openDb();
  const user = await done(store(db, "meta", "readonly").get("user"));
  item.user = user ? Number(user) : null;
  item.queuedAt = new Date().toISOString();
  await done(store(db, "queue", "readwrite").put(item));
  await notify();
}

async function notify() {
  const clients = await self.clients.matchAll({ includeUncontrolled: true });
  clients.forEach((client) => client.postMessage({ type: "ilm-offline-queued" }));
}

async function fromSavedCopies(request) {
  const names = (await caches.keys()).filter((name) => name.startsWith(COURSE_CACHE_PREFIX));
  for (const name of names) {
    const cache = await caches.open(name);
    const ignoreSearch = QUEUED_PATH.test(new URL(request.url).pathname);
    const hit = await cache.match(request, { ignoreVary: true, ignoreSearch });
    if (hit) return { hit, cache };
  }
  return null;
}

function queuedRedirect(url, referrer) {
  // A 303 to the saved "kept on this device" page: reloading it never posts again.
  const lang = url.pathname.split("/")[1];
  let back = "";
  try {
    const from = new URL(referrer);
    if (from.origin === self.location.origin) back = from.pathname;
  } catch (error) {
    back = "";
  }
  const target = `${url.origin}/${lang}/offline/queued/?back=${encodeURIComponent(back)}`;
  return Response.redirect(target, 303);
}

function formPayload(kind, form) {
  if (kind === "complete") return {};
  const answers = {};
  for (const [name, value] of form.entries()) {
    if (name.startsWith("q-")) (answers[name.slice(2)] = answers[name.slice(2)] || []).push(value);
  }
  const attempt = Number.parseInt(form.get("attempt"), 10);
  return {
    quiz_id: String(form.get("quiz_id") || ""),
    attempt: Number.isNaN(attempt) ? null : attempt,
    answers,
  };
}

async function postOrQueue(request, url) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (networkError) {
    const statement = url.pathname.match(STATEMENT);
    if (statement) {
      let body = null;
      try {
        body = await copy.json();
      } catch (error) {
        return Response.json({ error: "bad statement" }, { status: 400 });
      }
      await enqueue({
        key: crypto.randomUUID(),
        kind: "h5p_statement",
        lesson: Number(statement[1]),
        payload: { content: statement[2], statement: body },
      });
      return Response.json({ queued: true }, { status: 202 });
    }
    const complete = url.pathname.match(COMPLETE);
    const kind = complete ? "complete" : "quiz";
    const match = complete || url.pathname.match(QUIZ);
    const form = await copy.formData();
    await enqueue({
      key: crypto.randomUUID(),
      kind,
      lesson: Number(match[1]),
      payload: formPayload(kind, form),
    });
    return queuedRedirect(url, request.referrer);
  }
}

async function pageNetworkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const saved = await fromSavedCopies(request);
      if (saved) await saved.cache.put(request, response.clone());
    }
    return response;
  } catch (networkError) {
    const saved = await fromSavedCopies(request);
    if (saved) return saved.hit;
    throw networkError;
  }
}

async function assetCacheFirst(request) {
  const saved = await fromSavedCopies(request);
  return saved ? saved.hit : fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    if (COMPLETE.test(url.pathname) || QUIZ.test(url.pathname) || STATEMENT.test(url.pathname)) {
      event.respondWith(postOrQueue(request, url));
    }
    return;
  }
  if (request.method !== "GET") return;
  // Images, styles and scripts have names that change with their content: cache first.
  // Everything else (pages, the manifest, the sync answer) goes to the network first.
  if (ASSETS.has(request.destination)) {
    event.respondWith(assetCacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(pageNetworkFirst(request));
  }
});
