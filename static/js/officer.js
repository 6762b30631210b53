// The field officer's offline app on every page: sync bar, automatic sync, storage care, logout guard,
// and the offline copies of the officer's pages.
import * as store from './store.js';
import { t, tn } from './i18n.js';
import { startAutoSync, stopSync } from './sync.js';
import { initSyncBar } from './syncbar.js';
import { askWorker } from './sw-client.js';

const PENDING_LOGOUT = 'pending_logout';

export async function start(officerId) {
  if (await finishOfflineLogout(officerId)) return;
  initSyncBar(officerId);
  startAutoSync(officerId);
  guardLogout(officerId);
  careForStorage();
  makeOfflineReady();
}

/** A logout asked for with no network ends that officer's session as soon as one of their pages opens
 * online (someone else who logged in meanwhile is left alone). */
async function finishOfflineLogout(officerId) {
  if (!navigator.onLine || String(await store.getMeta(PENDING_LOGOUT, '')) !== String(officerId)) return false;
  try {
    const session = await fetch('/api/v1/session', { credentials: 'same-origin', cache: 'no-store' });
    if (session.ok) {
      const { csrf_token: csrf } = await session.json();
      const ended = await fetch('/api/v1/session', { method: 'DELETE', credentials: 'same-origin', headers: { 'X-CSRFToken': csrf } });
      if (!ended.ok) return false;
    }
  } catch {
    return false; // the network is not really back: try again on the next page
  }
  await store.setMeta(PENDING_LOGOUT, '');
  await askWorker({ type: 'FORGET_USER' }, 2000);
  window.location.replace('/login');
  return true;
}

/** Ask the worker to cache the officer's pages (after login they can be fetched; before, they redirect). */
async function makeOfflineReady() {
  if (!('serviceWorker' in navigator)) return;
  await navigator.serviceWorker.ready;
  const answer = await askWorker({ type: 'WARM' }, 30000);
  // Tests and the curious can see when the form would open with no network.
  if (answer?.ok) document.documentElement.dataset.offlineReady = 'true';
}

const STORAGE_SAID = 'storage_notice'; // the storage situation last told on this phone
const FULL_BANDS = [95, 90, 80]; // per cent used: told again when it crosses into a fuller band

/** What to tell about the phone's storage: '' (nothing), 'full:<band>' or 'not_persistent'. */
function storageSituation(persistent, percent) {
  const band = FULL_BANDS.find((b) => percent >= b);
  if (band) return `full:${band}`;
  return persistent ? '' : 'not_persistent';
}

/** Ask the browser not to evict our data, and say in one line, once, when it may (on the agenda and "Mis
 * visitas", where the backup is, not above a form being filled in) or when the storage is nearly full; said
 * again only when the situation changes. */
async function careForStorage() {
  if (!navigator.storage) return;
  try {
    let persistent = true;
    if (navigator.storage.persist) persistent = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    document.documentElement.dataset.storagePersistent = String(persistent);
    const { usage = 0, quota = 0 } = (await navigator.storage.estimate?.()) || {};
    const percent = quota ? Math.round((usage / quota) * 100) : 0;
    const situation = storageSituation(persistent, percent);
    if (situation === (await store.getMeta(STORAGE_SAID, ''))) return;
    if (situation === 'not_persistent' && !['/visits/', '/visits/mine'].includes(window.location.pathname)) return;
    // The notice's code is fetched only when there is something to say (seldom: once per situation).
    const notice = situation && (await import('./storage-notice.js')).notice;
    await store.setMeta(STORAGE_SAID, situation);
    if (situation === 'not_persistent') notice(situation, t('storage_risk'), { details: t('storage_not_persistent') });
    else if (situation) notice('full', t('storage_full', { percent: `${percent} %` }), { details: t('storage_warning') });
  } catch { /* estimate unavailable: nothing to warn about */ }
}

/** Logging out with unsent visits warns first; the visits stay on the phone for this officer. */
function guardLogout(officerId) {
  const form = document.querySelector('form[data-logout-form]');
  if (!form) return;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const counts = await store.counts(officerId).catch(() => ({ pending: 0, drafts: 0 }));
    const unsent = counts.pending + counts.drafts;
    if (unsent && !window.confirm(tn('logout_unsent', unsent))) return;
    await stopSync();
    await askWorker({ type: 'FORGET_USER' }, 2000); // the cached pages show this officer's data
    if (navigator.onLine) {
      form.submit();
      return;
    }
    // No network: the POST would end on the browser's error page. The pages are already gone from the
    // phone; the session ends on the server at the next online page (finishOfflineLogout).
    await store.setMeta(PENDING_LOGOUT, String(officerId));
    window.location.href = '/offline?logout=1';
  });
}
