// The sync client: sends the outbox to POST /api/v1/visits/sync and then the photos, exactly once in
// effect. Better than workbox's queue: a record leaves the outbox only when the server's result for
// its id says created/updated/duplicate; errors keep everything and back off min(2^n, 300) s
// (enketo's rule); nothing ever expires.
import * as store from './store.js';
import { t } from './i18n.js';

export const SYNC_TAG = 'fieldwork-outbox';
const BATCH_SIZE = 100;
const MAX_BACKOFF_S = 300;
const PERIOD_MS = 60_000;
const events = new EventTarget();
const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('fieldwork-sync') : null;
let running = null;
let again = null;
let stopped = false;
let timer = null;

/** Listen for changes of the sync state (counts, last success, errors), in this tab or another. */
export function onChange(listener) {
  events.addEventListener('change', listener);
  channel?.addEventListener('message', listener);
}

/** Tell every listener (sync bar, "Mis visitas", other tabs) that the outbox or drafts changed. */
export function changed() {
  events.dispatchEvent(new Event('change'));
  channel?.postMessage('changed');
}

const stateKey = (officerId) => `sync:${officerId}`;

/** The stored sync state of one officer: last success, failures, next attempt, last error. */
export async function syncState(officerId) {
  return store.getMeta(stateKey(officerId), { last_success: null, failures: 0, next_attempt: 0, retry_at: 0, last_error: null, needs_login: false });
}

async function updateState(officerId, patch) {
  const next = { ...(await syncState(officerId)), ...patch };
  await store.setMeta(stateKey(officerId), next);
  return next;
}

/** Seconds to wait after the n-th consecutive failure: 2, 4, 8 … capped at 300. */
export const backoffSeconds = (failures) => Math.min(2 ** failures, MAX_BACKOFF_S);

class SyncError extends Error {
  constructor(message, { login = false, retryAfter = null } = {}) {
    super(message);
    this.login = login;
    this.retryAfter = retryAfter; // seconds the server asked us to wait (429 Retry-After), else null
  }
}

/** A 429's Retry-After in seconds (the server sends a number), or null: then the usual back-off applies. */
function retryAfterSeconds(response) {
  const seconds = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  return response.status === 429 && Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

async function call(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...options });
  } catch {
    throw new SyncError(t('sync_network_error'));
  }
  if (response.status === 401) throw new SyncError(t('sync_login_required'), { login: true });
  return response;
}

async function serverError(response) {
  let detail = '';
  try { detail = (await response.json()).error || ''; } catch { /* not JSON: a proxy's page */ }
  const message = response.status >= 500 ? t('sync_server_error', { status: response.status }) : t('sync_refused', { status: response.status });
  return new SyncError(detail && response.status < 500 ? `${message} ${detail}` : message,
    { retryAfter: retryAfterSeconds(response) });
}

async function freshSession() {
  // Flask-WTF's token expires after an hour: ask for a fresh one before every sync.
  const response = await call('/api/v1/session');
  if (!response.ok) throw await serverError(response);
  return response.json();
}

async function sendVisits(officerId, csrf) {
  const outbox = await store.listOutbox(officerId);
  for (let start = 0; start < outbox.length; start += BATCH_SIZE) {
    const batch = outbox.slice(start, start + BATCH_SIZE);
    const ids = batch.map((r) => r.id);
    let response;
    try {
      response = await call('/api/v1/visits/sync', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
        body: JSON.stringify({ visits: batch.map((r) => r.visit) }),
      });
      if (response.status !== 200) throw await serverError(response);
    } catch (error) {
      await store.noteAttempt(ids, error.message);
      throw error;
    }
    const body = await response.json();
    const results = new Map((body.results || []).map((r) => [r.id, r]));
    for (const record of batch) {
      const result = results.get(record.id);
      if (!result) continue; // No answer for this id: it stays, and goes again next time.
      // `record` is what was sent: content queued under its id meanwhile stays for the next send.
      if (['created', 'updated', 'duplicate'].includes(result.status)) await store.acceptVisit(record);
      else if (result.status === 'rejected') await store.rejectVisit(record, result.errors);
    }
    changed();
  }
}

// What the server answers when it will never take a file as it is (too big, not an image it accepts).
const PHOTO_REFUSED = new Set([413, 415, 422]);

/** The Spanish reason in a refusal's body ({"errors": {field: [...]}} or {"error": "..."}), if any. */
async function refusalReason(response) {
  try {
    const body = await response.json();
    const fieldMessages = Object.values(body.errors || {}).flat().join(' ');
    return { fieldMessages, text: fieldMessages || body.error || '' };
  } catch {
    return { fieldMessages: '', text: '' };
  }
}

async function sendPhotos(officerId, csrf) {
  for (const photo of await store.photosToUpload(officerId)) {
    const form = new FormData();
    form.append('photo_id', photo.id);
    form.append('file', new Blob([photo.data], { type: photo.type }), `${photo.id}.jpg`);
    const response = await call(`/api/v1/visits/${encodeURIComponent(photo.visit_id)}/photos`, {
      method: 'POST', headers: { 'X-CSRFToken': csrf }, body: form,
    });
    if (response.status === 200 || response.status === 201) {
      await store.deletePhoto(photo.id); // Only a stored photo leaves the phone.
    } else {
      const reason = await refusalReason(response);
      // A 400 that names the file (not an image) is the file's fault; a 400 without field errors is the
      // CSRF token, and 401/403/404/408/429/5xx are the session's or the server's moment: all retried.
      const refused = PHOTO_REFUSED.has(response.status) || (response.status === 400 && reason.fieldMessages);
      if (!refused) throw new SyncError(t('sync_photo_retry', { status: response.status }));
      await store.markPhotoRefused(photo.id, reason.text || t('sync_refused', { status: response.status }));
    }
    changed();
  }
}

async function hasWork(officerId) {
  const [outbox, photos] = await Promise.all([store.listOutbox(officerId), store.photosToUpload(officerId)]);
  return outbox.length + photos.length > 0;
}

async function runOnce(pageOfficerId) {
  if (!(await hasWork(pageOfficerId))) return { idle: true };
  let officerId = pageOfficerId;
  try {
    const session = await freshSession();
    // Only the logged-in officer's own records are sent, whatever page (or cached page) asked.
    officerId = String(session.user.id);
    if (session.user.role !== 'officer') throw new SyncError(t('sync_not_officer'), { login: true });
    await sendVisits(officerId, session.csrf_token);
    await sendPhotos(officerId, session.csrf_token);
    await updateState(officerId, { last_success: Date.now(), failures: 0, next_attempt: 0, retry_at: 0, last_error: null, needs_login: false });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    const state = await syncState(officerId);
    const failures = error.login ? state.failures : state.failures + 1;
    await updateState(officerId, {
      failures, last_error: error.message, needs_login: error.login,
      next_attempt: Date.now() + (error.retryAfter ?? backoffSeconds(Math.max(failures, 1))) * 1000,
      // The server's own wait binds even the button and the `online` event; a back-off does not.
      retry_at: error.retryAfter === null ? 0 : Date.now() + error.retryAfter * 1000,
    });
    // Let the browser wake us when the network is back (after a 429 the network is fine: just wait).
    if (!error.login && error.retryAfter === null) requestBackgroundSync();
    return { ok: false, error: error.message };
  } finally {
    changed();
  }
}

/**
 * Send what is waiting. Automatic runs respect the back-off; `force` (the button, the `online`
 * event) goes now. One tab syncs at a time (Web Locks where present); others just skip.
 */
export async function syncNow(officerId, { force = false } = {}) {
  if (!officerId || stopped) return { idle: true };
  const state = await syncState(officerId);
  if (Date.now() < (state.retry_at || 0)) return { waiting: true };
  if (!force && Date.now() < state.next_attempt) return { waiting: true };
  if (running) {
    // A save during a run: the run may have read the outbox before it; go again right after.
    again ||= running.then(() => { again = null; return syncNow(officerId, { force }); });
    return again;
  }
  const work = () => runOnce(String(officerId));
  running = (navigator.locks
    ? navigator.locks.request('fieldwork-sync', { ifAvailable: true }, (lock) => (lock ? work() : { busy: true }))
    : work()
  ).finally(() => { running = null; schedule(officerId); });
  return running;
}

/**
 * Stop syncing in this page and wait for a run in flight (before logging out: a request answered
 * after the logout would set the session cookie again).
 */
export async function stopSync() {
  stopped = true;
  clearTimeout(timer);
  await Promise.allSettled([running, again].filter(Boolean));
}

/** The next automatic run: after the back-off when the last attempt failed, else the regular period. */
async function schedule(officerId) {
  clearTimeout(timer);
  if (stopped) return;
  const state = await syncState(officerId);
  const delay = state.failures ? Math.max(state.next_attempt - Date.now(), 1000) : PERIOD_MS;
  timer = setTimeout(() => { if (navigator.onLine) syncNow(officerId); else schedule(officerId); }, delay);
}

/** Ask the browser to wake the worker when the network returns (Chromium's Background Sync). */
export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    if (registration && 'sync' in registration) await registration.sync.register(SYNC_TAG);
  } catch { /* not granted, or not supported: the page's own triggers remain */ }
}

/** Sync on open, on `online`, on a timer, and when the worker relays a Background Sync event. */
export function startAutoSync(officerId) {
  window.addEventListener('online', () => syncNow(officerId, { force: true }));
  window.addEventListener('offline', changed);
  navigator.serviceWorker?.addEventListener('message', (event) => {
    if (event.data?.type !== 'sync-request') return;
    syncNow(officerId, { force: true }).then((result) => event.ports[0]?.postMessage({ ok: !result.error }));
  });
  syncNow(officerId, { force: true });
}
