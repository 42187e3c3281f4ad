{% load i18n %}/* fangkong service worker, version {{ version }}.
 * Static assets: cache first. Pages registered for offline use and reference data: network
 * first, falling back to the copy kept on the device; a page is kept only once the user has
 * opened it online. Writes are never replayed here: the page's outbox (offline.js) sends
 * them, so a rejected one comes back to the officer. A form posted to a registered page
 * whose request fails for want of a network is put aside ("stash") and the page is shown
 * again from its copy, where offline.js takes the record into the outbox.
 */
const CACHE = "fangkong-{{ version }}";
const STASH = "fk-stash";
const STATIC = {{ static_urls|safe }};
const PAGES = {{ page_patterns|safe }}.map((p) => new RegExp(p));
// Pages kept only at their bare address: with a query (the register page's ?code=) they
// show a person's values in full, so the worker neither handles nor keeps such a URL.
const BARE = {{ bare_patterns|safe }}.map((p) => new RegExp(p));
const PRECACHED = {{ precached_data|safe }};
const DATA = PRECACHED.concat({{ kept_data|safe }});
const NO_COPY = {{ no_copy|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(STATIC.concat(PRECACHED))).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("fangkong-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
      .then(() => caches.open(CACHE))
      .then((cache) => cache.keys().then((requests) => Promise.all(
        requests.filter((r) => unkept(new URL(r.url))).map((r) => cache.delete(r)))))
  );
});

function isPage(url) {
  return url.origin === self.location.origin && PAGES.some((re) => re.test(url.pathname)) &&
    !(url.search && BARE.some((re) => re.test(url.pathname)));
}

function unkept(url) {
  // What an earlier worker may have kept that this one never would.
  return url.search && BARE.some((re) => re.test(url.pathname));
}

function keepable(url) {
  return isPage(url) || DATA.includes(url.pathname);
}

async function keep(request, response) {
  // A response the server marks no-store (personal values in full) is never kept.
  const noStore = /no-store/i.test(response.headers.get("Cache-Control") || "");
  if (response.ok && !response.redirected && response.type === "basic" && !noStore) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  try {
    return await keep(request, await fetch(request));
  } catch (err) {
    const cache = await caches.open(CACHE);
    const kept = await cache.match(request) || await cache.match(request, { ignoreSearch: true });
    if (kept) return kept;
    if (request.mode === "navigate") return noCopy();
    throw err;
  }
}

function noCopy() {
  return new Response(NO_COPY, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function staticAsset(request, url) {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  // Signing out empties the caches: the assets come back the next time they are used.
  if (STATIC.includes(url.pathname)) await keep(request, response);
  return response;
}

async function postOrStash(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (err) {
    const entries = [];
    (await copy.formData()).forEach((value, name) => {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") entries.push([name, value]);
    });
    const url = new URL(request.url);
    const stash = await caches.open(STASH);
    await stash.put(
      new Request(new URL("/__stash/" + self.crypto.randomUUID(), self.location.origin)),
      new Response(JSON.stringify({ path: url.pathname, entries: entries, at: Date.now() }),
                   { headers: { "Content-Type": "application/json" } })
    );
    return Response.redirect(url.href, 303);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    if (request.mode === "navigate" && isPage(url)) event.respondWith(postOrStash(request));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticAsset(request, url));
  } else if (keepable(url)) {
    event.respondWith(networkFirst(request));
  }
});

self.addEventListener("message", (event) => {
  if (event.data === "clear") {
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((k) => caches.delete(k)))));
  } else if (event.data && Array.isArray(event.data.keep)) {
    // A page opened online before this worker controlled it: keep it (and the reference
    // data it uses) now, as if it had. Nothing that is not keepable.
    event.waitUntil(Promise.all(event.data.keep.map((href) => {
      const url = new URL(href, self.location.origin);
      if (url.origin !== self.location.origin || !keepable(url)) return null;
      const request = new Request(url.href, { credentials: "same-origin" });
      return fetch(request).then((response) => keep(request, response)).catch(() => null);
    })));
  }
});
