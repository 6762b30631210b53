// Fieldwork's offline worker (served by fieldwork/core/views.py, which fills in the version and the
// precache list: the version is a hash of the static files and templates, so any change ships a new
// worker and with it a fresh shell cache).
const VERSION = '__FIELDWORK_VERSION__';
const PRECACHE_STATIC = __FIELDWORK_PRECACHE_STATIC__;
// The officer's pages: cached when the session allows, skipped (not fatal) before login.
const PRECACHE_PAGES = __FIELDWORK_PRECACHE_PAGES__;
const OFFLINE_URL = '/offline';
const SHELL_CACHE = `fieldwork-shell-${VERSION}`;
// A shared phone: the officer's pages and Mipyme list are kept per person ("fieldwork-pages-<user id>"),
// and only one person's at a time. The server names the session's user on every page and API answer
// (X-Fieldwork-User: an id, or "anonymous"); an answer for anyone else deletes the previous person's copies.
const PAGES_PREFIX = 'fieldwork-pages-';
const DATA_PREFIX = 'fieldwork-data-';
const USER_HEADER = 'X-Fieldwork-User';
const isPersonal = (name) => name.startsWith(PAGES_PREFIX) || name.startsWith(DATA_PREFIX);
const NETWORK_TIMEOUT_MS = 6000;
const SYNC_TAG = 'fieldwork-outbox';
const HASHED = /\.[0-9a-f]{12}\.\w+$/; // fieldwork/web/static_files.py names files by content
// The app's one way of signalling (static/js/signal.js): {type, ...} on the "fieldwork" channel.
const channel = new BroadcastChannel('fieldwork');

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL_CACHE);
    // Static URLs carry their content's hash: one an earlier version already holds is the same file,
    // copied over instead of downloaded again; the rest is fetched once. `reload` skips the HTTP
    // cache, so a plain (unhashed) URL never precaches yesterday's file.
    const missing = [];
    for (const url of PRECACHE_STATIC) {
      const held = HASHED.test(url) ? await caches.match(url) : undefined;
      if (held) await shell.put(url, held); else missing.push(url);
    }
    await shell.addAll(missing.map((url) => new Request(url, { cache: 'reload' })));
    // Fetched without the cookie: the offline page is the same for everyone on the phone.
    await shell.add(new Request(OFFLINE_URL, { cache: 'reload', credentials: 'omit' }));
    await cachePages(PRECACHE_PAGES, { onlyMissing: false });
    // No skipWaiting(): the page shows "Nueva versión disponible" and the officer chooses when.
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    // Old shells go; so do the pre-per-person caches ("fieldwork-pages", "fieldwork-data"), whose owner is unknown.
    await Promise.all(names.filter((n) => n.startsWith('fieldwork-') && n !== SHELL_CACHE && !isPersonal(n))
      .map((n) => caches.delete(n)));
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
    event.waitUntil(keepOnly(null).then(() => reply({ ok: true })));
  } else if (type === 'FORM_PAGES') event.waitUntil(pagesForForm(event.data.id).then(reply, () => reply({ ok: false })));
  else if (type === 'VERSION') reply({ version: VERSION });
});

// --- The programme's form in the cached pages ------------------------------------------------------
const FORM_PAGE = '/visits/new';
const EMBEDDED_FORM = /<script type="application\/json" id="form-definition">([^<]*)<\/script>/;

/** The id of the form version the cached visit form embeds (null: none; undefined: no page cached). */
async function cachedFormId() {
  const page = await matchFor(PAGES_PREFIX, FORM_PAGE);
  if (!page) return undefined;
  const found = EMBEDDED_FORM.exec(await page.text());
  try {
    return found ? JSON.parse(found[1]).id : null;
  } catch {
    return null;
  }
}

/** A new version was published: the officer's pages are fetched again, so that the visit form opens on
 * version `id` with no network (the embedded definition is the page's). Already so: nothing is fetched;
 * not cached yet: that is WARM's work (after login), not fetched twice. */
async function pagesForForm(id) {
  const cached = await cachedFormId();
  if (cached === id || cached === undefined) return { ok: cached === id, id: cached ?? null };
  await cachePages(PRECACHE_PAGES, { onlyMissing: false });
  const now = await cachedFormId();
  return { ok: now === id, id: now };
}

// --- Whose copies these are ------------------------------------------------------------------------
let userChange = Promise.resolve();

/** Delete every person's pages and data but `user`'s (null: everyone's); one change at a time. */
function keepOnly(user) {
  userChange = userChange.then(async () => {
    const names = (await caches.keys()).filter(isPersonal);
    await Promise.all(names.filter((n) => n !== PAGES_PREFIX + user && n !== DATA_PREFIX + user)
      .map((n) => caches.delete(n)));
  });
  return userChange;
}

/** The user a server answer was made for (null: nobody logged in; undefined: the answer does not say),
 * after deleting the copies of anyone else. */
async function noteUser(response) {
  const header = response.headers.get(USER_HEADER);
  if (!header) return undefined; // an opaque redirect, a proxy's page: no news about the session
  const user = header === 'anonymous' ? null : header;
  if (response.status === 401 || response.ok || user) await keepOnly(user);
  return user;
}

/** The person whose copies the phone holds now (there is at most one), or null. */
async function currentUser() {
  const name = (await caches.keys()).find((n) => n.startsWith(PAGES_PREFIX) || n.startsWith(DATA_PREFIX));
  return name ? name.slice(name.startsWith(PAGES_PREFIX) ? PAGES_PREFIX.length : DATA_PREFIX.length) : null;
}

/** A match in `user`'s copies (`kind`: PAGES_PREFIX or DATA_PREFIX), without creating an empty cache. */
async function matchFor(kind, request, options = {}) {
  const user = await currentUser();
  if (!user || !(await caches.has(kind + user))) return undefined;
  return (await caches.open(kind + user)).match(request, options);
}

/** Fetch and store the officer's pages; a redirect (no session yet) or an error is skipped. */
async function cachePages(urls, { onlyMissing }) {
  let cached = 0;
  await Promise.all(urls.map(async (url) => {
    if (onlyMissing && (await matchFor(PAGES_PREFIX, url))) { cached += 1; return; }
    try {
      const response = await fetch(new Request(url, { cache: 'reload', credentials: 'same-origin' }));
      const user = await noteUser(response);
      if (user && isCacheablePage(response)) {
        await (await caches.open(PAGES_PREFIX + user)).put(url, response);
        cached += 1;
      }
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
  // The sync's first call: a 401 there means the session that made the cached pages has ended.
  else if (url.pathname === '/api/v1/session') event.respondWith(reach(request).then(async (r) => { await noteUser(r); return r; }));
  // Everything else (the API, the worker itself) goes to the network untouched.
});

// --- Is the server reachable? ----------------------------------------------------------------------
let unreachable = false;

/** fetch(), noting whether the server answered: the first answer after a failure tells the pages, which
 * send their outbox at once instead of waiting out a back-off built up while there was no network. */
async function reach(request) {
  try {
    const response = await fetch(request);
    if (unreachable) {
      unreachable = false;
      channel.postMessage({ type: 'network-back' });
    }
    return response;
  } catch (error) {
    unreachable = true;
    throw error;
  }
}

/** Network first (with a timeout for "lie-fi"), then the cached page, then the offline page. */
async function navigate(event, url) {
  const key = url.origin + url.pathname; // One copy per page: the query only carries client state.
  const network = reach(event.request).then(async (response) => {
    const user = await noteUser(response);
    // Only the officer's offline pages are kept: an owner's page or a confirmation link (/c/<token>) has
    // no business sitting in a shared phone's cache.
    if (user && isCacheablePage(response) && PRECACHE_PAGES.includes(url.pathname)) {
      const pages = await caches.open(PAGES_PREFIX + user);
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
    const cached = (await matchFor(PAGES_PREFIX, key, { ignoreSearch: true })) ||
      (alias && (await matchFor(PAGES_PREFIX, alias))) || (await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE }));
    return cached || Response.error();
  }
}

/** The shell: cache first (it is versioned as a whole), network for anything not precached. */
async function fromShell(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await reach(request);
  if (response.ok) (await caches.open(SHELL_CACHE)).put(request, response.clone());
  return response;
}

/** The officer's Mipyme list: fresh when online, the last copy when not. */
async function networkFirstData(request) {
  try {
    const response = await reach(request);
    const user = await noteUser(response);
    if (response.ok && user) await (await caches.open(DATA_PREFIX + user)).put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await matchFor(DATA_PREFIX, request);
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
  const id = crypto.randomUUID();
  const answer = await new Promise((resolve) => {
    const heard = (message) => { if (message.data?.type === 'sync-done' && message.data.id === id) finish(message.data); };
    const finish = (result) => { clearTimeout(timer); channel.removeEventListener('message', heard); resolve(result); };
    const timer = setTimeout(() => finish({ ok: false }), 60_000);
    channel.addEventListener('message', heard);
    channel.postMessage({ type: 'sync-request', id });
  });
  // A failed attempt rejects, so the browser retries the sync later with its own back-off.
  if (!answer.ok) throw new Error('sync failed');
}
