/* The service worker of the H5P origin (ADR 0061). It keeps the player page, its scripts,
   its libraries and its content files, so an activity of a saved course plays offline.

   - Every GET this origin's player makes goes to the network first and refreshes the kept
     copy; without a connection the kept copy answers.
   - URLs carry the learner's signed grant (`?token=` on the player page, a path segment on
     package files). A grant expires, and each lesson page visit mints a new one, so copies
     are kept under the URL without it: any grant the saved lesson page holds finds them.
   - A player page asks it (`{type: "keep", urls}`) to fetch and keep what the page used,
     because the first visit to this origin is not yet controlled by the worker. */
"use strict";

const CACHE = "ilm-h5p-v1";
const PACKAGE = /^(\/h5p\/play\/[0-9a-f-]{36}\/)[^/]+\/(.*)$/;

function keyOf(url) {
  const parsed = new URL(url);
  const found = PACKAGE.exec(parsed.pathname);
  if (found) return `${parsed.origin}${found[1]}~/${found[2]}`;
  if (/^\/h5p\/play\/[0-9a-f-]{36}\/$/.test(parsed.pathname)) return parsed.origin + parsed.pathname;
  return parsed.origin + parsed.pathname + parsed.search;
}

function keepable(url) {
  const parsed = new URL(url);
  return (
    parsed.origin === self.location.origin &&
    /^\/(h5p\/play\/|h5p\/libraries\/|static\/)/.test(parsed.pathname) &&
    !/\/user-data\//.test(parsed.pathname)
  );
}

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function fromNetwork(request) {
  const response = await fetch(request);
  if (response.ok && response.status === 200) {
    const cache = await caches.open(CACHE);
    await cache.put(keyOf(request.url), response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !keepable(request.url)) return;
  event.respondWith(
    fromNetwork(request).catch(async () => {
      const kept = await caches.match(keyOf(request.url), { cacheName: CACHE });
      if (kept) return kept;
      return new Response("", { status: 504, statusText: "Offline" });
    })
  );
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type !== "keep" || !Array.isArray(message.urls)) return;
  const urls = message.urls.filter((url) => typeof url === "string" && keepable(url));
  event.waitUntil(
    Promise.allSettled(
      urls.map((url) => fromNetwork(new Request(url, { credentials: "omit", cache: "no-store" })))
    ).then((results) => {
      const kept = results.filter((r) => r.status === "fulfilled" && r.value.ok).length;
      if (event.source) event.source.postMessage({ type: "kept", kept, wanted: urls.length });
    })
  );
});
