// Fieldwork's offline worker (served by fieldwork/core/views.py, which fills in the version and the
// precache list: the version is a hash of the static files and templates, so any change ships a new
// worker and with it a fresh shell cache).
const VERSION = '__FIELDWORK_VERSION__';
const PRECACHE_STATIC = __FIELDWORK_PRECACHE_STATIC__;
// The officer's pages: cached when the session allows, skipped (not fatal) before login.
const PRECACHE_PAGES = __FIELDWORK_PRECACHE_PAGES__;
const OFFLINE_URL = '/offline';
const SHELL_CACHE = `fieldwork-shell-${VERSION}`;
const PAGES_CACHE = 'fieldwork-pages';
const DATA_CACHE = 'fieldwork-data';
const KEEP = [SHELL_CACHE, PAGES_CACHE, DATA_CACHE];
const NETWORK_TIMEOUT_MS = 6000;
const SYNC_TAG = 'fieldwork-outbox';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL_CACHE);
    // `reload` skips the HTTP cache, so a new version never precaches yesterday's file.
    await shell.addAll(PRECACHE_STATIC.map((url) => new Request(url, { cache: 'reload' })));
    await shell.add(new Request(OFFLINE_URL, { cache: 'reload' }));
    await cachePages(PRECACHE_PAGES, { onlyMissing: false });
    // No skipWaiting(): the page shows "Nueva versión disponible" and the officer chooses when.
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('fieldwork-') && !KEEP.includes(n)).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const { type } = event.data || {};
  const reply = (body) => event.ports[0]?.postMessage(body);
  if (type === 'SKIP_WAITING') self.skipWaiting();
  else if (type === 'WARM') event.waitUntil(cachePages(PRECACHE_PAGES, { onlyMissing: true }).then(reply, () => reply({ ok: false })));
  else if (type === 'FORGET_USER') {
    // Logging out: the cached pages and Mipyme list belong to that officer (their outbox stays).
    event.waitUntil(Promise.all([caches.delete(PAGES_CACHE), caches.delete(DATA_CACHE)]).then(() => reply({ ok: true })));
  } else if (type === 'VERSION') reply({ version: VERSION });
});

/** Fetch and store the officer's pages; a redirect (no session yet) or an error is skipped. */
async function cachePages(urls, { onlyMissing }) {
  const pages = await caches.open(PAGES_CACHE);
  let cached = 0;
  await Promise.all(urls.map(async (url) => {
    if (onlyMissing && (await pages.match(url))) { cached += 1; return; }
    try {
      const response = await fetch(new Request(url, { cache: 'reload', credentials: 'same-origin' }));
      if (isCacheablePage(response)) { await pages.put(url, response); cached += 1; }
    } catch { /* offline during install: the pages get cached on the next visit */ }
  }));
  return { ok: cached === urls.length, cached };
}

function isCacheablePage(response) {
  return response.ok && !response.redirected && response.type === 'basic' &&
    (response.headers.get('Content-Type') || '').startsWith('text/html') &&
    !(response.headers.get('Cache-Control') || '').includes('no-store');
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') event.respondWith(navigate(event, url));
  else if (url.pathname.startsWith('/static/') || url.pathname === '/manifest.webmanifest') event.respondWith(fromShell(request));
  else if (url.pathname === '/api/v1/mipymes') event.respondWith(networkFirstData(request));
  // Everything else (the API, the worker itself) goes to the network untouched.
});

/** Network first (with a timeout for "lie-fi"), then the cached page, then the offline page. */
async function navigate(event, url) {
  const key = url.origin + url.pathname; // One copy per page: the query only carries client state.
  const network = fetch(event.request).then(async (response) => {
    // Only the officer's offline pages are kept: an owner's page or a confirmation link (/c/<token>) has
    // no business sitting in a shared phone's cache.
    if (isCacheablePage(response) && PRECACHE_PAGES.includes(url.pathname)) {
      const pages = await caches.open(PAGES_CACHE);
      await pages.put(key, response.clone());
    }
    return response;
  });
  event.waitUntil(network.catch(() => {}));
  try {
    // "Lie-fi" (a signal that never answers) must not keep the form from opening; other pages wait
    // for the network, so that a slow server never shows a stale page after a change.
    return await (PRECACHE_PAGES.includes(url.pathname) ? withTimeout(network, NETWORK_TIMEOUT_MS) : network);
  } catch {
    // "/" (the installed app's start) only redirects, so it is never cached: offline, open the agenda.
    const alias = url.pathname === '/' ? `${url.origin}/visits/` : null;
    const cached = (await caches.match(key, { ignoreSearch: true })) ||
      (alias && (await caches.match(alias, { cacheName: PAGES_CACHE }))) || (await caches.match(OFFLINE_URL));
    return cached || Response.error();
  }
}

/** The shell: cache first (it is versioned as a whole), network for anything not precached. */
async function fromShell(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(SHELL_CACHE)).put(request, response.clone());
  return response;
}

/** The officer's Mipyme list: fresh when online, the last copy when not. */
async function networkFirstData(request) {
  try {
    const response = await fetch(request);
    if (response.ok) (await caches.open(DATA_CACHE)).put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(request, { cacheName: DATA_CACHE });
    if (cached) return cached;
    throw error;
  }
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

// Background Sync (Chromium): when the network returns, ask an open page to send its outbox.
// The sync code lives in ES modules, which a classic worker cannot import; with no page open the
// outbox simply waits for the next app open, which syncs first thing.
self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(askPagesToSync());
});

async function askPagesToSync() {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (!windows.length) return;
  const answer = await new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    const timer = setTimeout(() => resolve({ ok: false }), 60_000);
    port1.onmessage = (message) => { clearTimeout(timer); resolve(message.data); };
    windows[0].postMessage({ type: 'sync-request' }, [port2]);
  });
  // A failed attempt rejects, so the browser retries the sync later with its own back-off.
  if (!answer.ok) throw new Error('sync failed');
}
