// The sync client: sends the outbox to POST /api/v1/visits/sync and then the photos, exactly once in
// effect. Better than workbox's queue: a record leaves the outbox only when the server's result for
// its id says created/updated/duplicate; errors keep everything and back off min(2^n, 300) s
// (enketo's rule); nothing ever expires.
import * as store from './store.js';
import { t } from './i18n.js';
import { SyncError, call, serverError } from './sync-http.js';
import { onSignal, signal } from './signal.js';
import { held, refreshCurrent } from './forms/definitions.js';
import { askWorker } from './sw-client.js';

export const SYNC_TAG = 'fieldwork-outbox';
const MAX_BACKOFF_S = 300;
const PERIOD_MS = 60_000;
let running = null;
let again = null;
let forceAgain = false;
let stopped = false;
let timer = null;

/** Listen for changes of the sync state (counts, last success, errors), in this tab or another. */
export const onChange = (listener) => onSignal('changed', listener);

/** Tell every listener (sync bar, "Mis visitas", other tabs) that the outbox or drafts changed. */
export const changed = () => signal('changed');

const stateKey = (officerId) => `sync:${officerId}`;
// The back-off's reset: after a success, or when the network comes back.
const REACHABLE = { failures: 0, next_attempt: 0, unreachable: false };

/** The stored sync state of one officer: last success, failures, next attempt, last error. */
export async function syncState(officerId) {
  return store.getMeta(stateKey(officerId),
    { last_success: null, ...REACHABLE, retry_at: 0, last_error: null, needs_login: false });
}

async function updateState(officerId, patch) {
  const next = { ...(await syncState(officerId)), ...patch };
  await store.setMeta(stateKey(officerId), next);
  return next;
}

/** Seconds to wait after the n-th consecutive failure: 2, 4, 8 … capped at 300. */
export const backoffSeconds = (failures) => Math.min(2 ** failures, MAX_BACKOFF_S);

async function freshSession() {
  // Flask-WTF's token expires after an hour: ask for a fresh one before every sync.
  const response = await call('/api/v1/session');
  if (!response.ok) throw await serverError(response);
  return response.json();
}

async function hasWork(officerId) {
  const [outbox, photos] = await Promise.all([store.listOutbox(officerId), store.photosToUpload(officerId)]);
  return outbox.length + photos.length > 0;
}

/**
 * A published version reaches the phone at every sync, from whatever page runs it and with or without
 * visits to send: kept by id with the others (definitions.js), and the officer's cached pages fetched
 * again when they embed another version, so that /visits/new opens on it with no network. A draft keeps
 * the version it was started in (its own id). Failures change nothing: the next run asks again.
 */
async function refreshForm() {
  if (!navigator.onLine) return;
  const before = (await held())?.id ?? null;
  const current = await refreshCurrent();
  if (current === undefined) return;
  if ((current?.id ?? null) !== before) changed(); // the sync bar shows the version held
  const offline = document.documentElement.dataset;
  if (!current || offline.formOffline === String(current.id)) return;
  const answer = await askWorker({ type: 'FORM_PAGES', id: current.id }, 30000);
  // Tests and the curious can see which version the form opens on with no network.
  if (answer?.ok) offline.formOffline = String(current.id);
}

async function runOnce(pageOfficerId) {
  const form = refreshForm().catch(() => {}); // beside the outbox, not before it
  try {
    return await sendOutbox(pageOfficerId);
  } finally {
    await form;
  }
}

async function sendOutbox(pageOfficerId) {
  if (!(await hasWork(pageOfficerId))) return { idle: true };
  let officerId = pageOfficerId;
  try {
    const session = await freshSession();
    // Only the logged-in officer's own records are sent, whatever page (or cached page) asked.
    officerId = String(session.user.id);
    if (session.user.role !== 'officer') throw new SyncError(t('sync_not_officer'), { login: true });
    // Fetched when there is something to send and the server answers: a phone with an empty outbox (most
    // page loads) never parses it. The worker holds it offline like every module.
    const { sendPhotos, sendVisits } = await import('./sync-send.js');
    const { received, stuck } = await sendVisits(officerId, session.csrf_token, changed);
    await sendPhotos(officerId, session.csrf_token, changed);
    if (stuck && received) await updateState(officerId, { last_success: Date.now() }); // the others went
    if (stuck) throw stuck;
    await updateState(officerId, { last_success: Date.now(), ...REACHABLE, last_error: null, needs_login: false });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    const state = await syncState(officerId);
    const failures = error.login ? state.failures : state.failures + 1;
    const now = Date.now(); // one instant: the server's wait and the next attempt must end together
    await updateState(officerId, {
      failures, last_error: error.message, needs_login: error.login, unreachable: error.network,
      next_attempt: now + (error.retryAfter ?? backoffSeconds(Math.max(failures, 1))) * 1000,
      // The server's own wait binds even the button and the `online` event; a back-off does not.
      retry_at: error.retryAfter === null ? 0 : now + error.retryAfter * 1000,
    });
    // Let the browser wake us when the network is back (after a 429 the network is fine: just wait).
    if (!error.login && error.retryAfter === null) requestBackgroundSync();
    return { ok: false, error: error.message };
  } finally {
    changed();
  }
}

/**
 * Send what is waiting. Automatic runs respect the back-off; `force` (the button, the network's return)
 * goes now. One run at a time in this tab (a call during a run goes again right after it: the run may
 * have read the outbox before a save), one tab at a time (Web Locks where present; the others skip).
 */
export function syncNow(officerId, { force = false } = {}) {
  if (!officerId || stopped) return Promise.resolve({ idle: true });
  if (running) {
    forceAgain ||= force;
    again ||= running.then(() => {
      const forced = forceAgain;
      again = null;
      forceAgain = false;
      return syncNow(officerId, { force: forced });
    });
    return again;
  }
  running = attempt(String(officerId), force).finally(() => { running = null; schedule(officerId); });
  return running;
}

async function attempt(officerId, force) {
  const state = await syncState(officerId);
  if (Date.now() < (state.retry_at || 0)) return { waiting: true };
  if (!force && Date.now() < state.next_attempt) return { waiting: true };
  const work = () => runOnce(officerId);
  return navigator.locks
    ? navigator.locks.request('fieldwork-sync', { ifAvailable: true }, (lock) => (lock ? work() : { busy: true }))
    : work();
}

/**
 * The network is back (the `online` event, or the worker saw a request answered): the back-off of the
 * failures without it starts over and the outbox goes now. A first try that still finds no server is
 * retried in seconds, not after the long wait the offline failures had built up. A 429's wait stays.
 */
export async function networkBack(officerId) {
  const state = await syncState(officerId);
  if (state.failures || state.unreachable) {
    await updateState(officerId, { ...REACHABLE, last_error: state.unreachable ? null : state.last_error });
  }
  changed();
  return syncNow(officerId, { force: true });
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

/** Sync on open, when the network returns, on a timer, and when the worker relays a Background Sync event. */
export function startAutoSync(officerId) {
  window.addEventListener('online', () => networkBack(officerId));
  window.addEventListener('offline', changed);
  // The worker saw a request answered after failures: the server is reachable again.
  onSignal('network-back', () => networkBack(officerId));
  // Background Sync woke the worker: the tab that runs says how it went (the others skip, busy).
  onSignal('sync-request', ({ id }) => syncNow(officerId, { force: true }).then((result) => {
    if (!result.busy) signal('sync-done', { id, ok: !result.error });
  }));
  syncNow(officerId, { force: true });
}
