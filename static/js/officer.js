// The field officer's offline app on every page: sync bar, automatic sync, storage care, logout guard,
// and the offline copies of the officer's pages.
import * as store from './store.js';
import { t, tn } from './i18n.js';
import { startAutoSync, stopSync } from './sync.js';
import { initSyncBar } from './syncbar.js';
import { askWorker } from './sw-client.js';

export function start(officerId) {
  initSyncBar(officerId);
  startAutoSync(officerId);
  guardLogout(officerId);
  careForStorage();
  makeOfflineReady();
}

/** Ask the worker to cache the officer's pages (after login they can be fetched; before, they redirect). */
async function makeOfflineReady() {
  if (!('serviceWorker' in navigator)) return;
  await navigator.serviceWorker.ready;
  const answer = await askWorker({ type: 'WARM' }, 30000);
  // Tests and the curious can see when the form would open with no network.
  if (answer?.ok) document.documentElement.dataset.offlineReady = 'true';
}

/** Ask the browser not to evict our data, and warn when the phone's storage is nearly full. */
async function careForStorage() {
  const warning = document.querySelector('[data-storage-warning]');
  if (!navigator.storage) return;
  try {
    if (navigator.storage.persist && !(await navigator.storage.persisted())) await navigator.storage.persist();
    const { usage = 0, quota = 0 } = (await navigator.storage.estimate?.()) || {};
    if (warning && quota && usage / quota > 0.8) {
      warning.textContent = t('storage_warning', { percent: `${Math.round((usage / quota) * 100)} %` });
      warning.hidden = false;
    }
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
    form.submit();
  });
}
