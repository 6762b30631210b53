// The sync bar on every officer page: network, pending count, last successful send, last error, and
// the "Sincronizar ahora" button.
import * as store from './store.js';
import { t, tn, when } from './i18n.js';
import { onChange, syncNow, syncState } from './sync.js';

export function initSyncBar(officerId) {
  const bar = document.querySelector('[data-syncbar]');
  if (!bar) return;
  const net = bar.querySelector('[data-sync-net]');
  const countsNode = bar.querySelector('[data-sync-counts]');
  const last = bar.querySelector('[data-sync-last]');
  const error = bar.querySelector('[data-sync-error]');
  const button = bar.querySelector('[data-sync-now]');

  async function render() {
    const [counts, state] = await Promise.all([store.counts(officerId), syncState(officerId)]);
    const online = navigator.onLine;
    net.textContent = online ? t('online') : t('offline');
    net.className = `badge ${online ? 'ok' : 'warn'}`;
    const parts = [counts.pending ? tn('pending', counts.pending) : t('all_sent')];
    if (counts.photos) parts.push(tn('pending_photos', counts.photos));
    if (counts.rejected) parts.push(tn('rejected', counts.rejected));
    countsNode.textContent = parts.join(' · ');
    last.textContent = t('last_sync', { when: when(state.last_success) });
    const waiting = counts.pending + counts.photos > 0;
    // Offline, the badge says it all; the last error matters once the network is back.
    const shown = waiting && online && state.last_error ? state.last_error : '';
    error.hidden = !shown;
    error.textContent = shown;
    if (shown && state.needs_login) appendLoginLink(error);
    bar.dataset.pending = String(counts.pending);
    bar.dataset.state = !waiting ? 'idle' : state.last_error ? 'error' : 'pending';
  }

  button.addEventListener('click', async () => {
    button.disabled = true;
    const label = button.textContent;
    button.textContent = t('syncing');
    try {
      await syncNow(officerId, { force: true });
    } finally {
      button.disabled = false;
      button.textContent = label;
      render();
    }
  });
  onChange(() => render());
  window.addEventListener('online', render);
  window.addEventListener('offline', render);
  render();
}

function appendLoginLink(node) {
  const link = document.createElement('a');
  link.href = `/login?next=${encodeURIComponent(window.location.pathname)}`;
  link.textContent = t('login_link');
  node.append(' ', link);
}
