// The sync bar on every officer page: network, what waits (visits, photos, visits to correct, drafts
// apart), last successful send, last error, and the "Sincronizar ahora" button. "Todo enviado" only
// when nothing at all waits. Below, the form version the phone holds for new visits.
import * as store from './store.js';
import { held } from './forms/definitions.js';
import { t, tn, when } from './i18n.js';
import { onChange, syncNow, syncState } from './sync.js';

export function initSyncBar(officerId) {
  const bar = document.querySelector('[data-syncbar]');
  if (!bar) return;
  const net = bar.querySelector('[data-sync-net]');
  const countsNode = bar.querySelector('[data-sync-counts]');
  const last = bar.querySelector('[data-sync-last]');
  const error = bar.querySelector('[data-sync-error]');
  const others = bar.querySelector('[data-other-accounts]');
  const button = bar.querySelector('[data-sync-now]');
  const formNode = bar.querySelector('[data-sync-form]');
  // [[id, revision], …] of the returned visits, from the pages that carry the list (kept for the others).
  const listed = bar.dataset.returned ? JSON.parse(bar.dataset.returned) : null;
  const returnedList = (listed ? store.setMeta(`returned:${officerId}`, listed).then(() => listed)
    : store.getMeta(`returned:${officerId}`, [])).catch(() => listed || []);
  let offlineNote = '';

  async function render() {
    const returned = await returnedList;
    const returnedIds = returned.map(([id]) => id);
    const [counts, state, drafts, otherCount, form] = await Promise.all([store.counts(officerId),
      syncState(officerId), store.listDrafts(officerId), store.countOthers(officerId), held()]);
    const online = navigator.onLine;
    if (online) offlineNote = '';
    // A returned visit whose correction this phone has queued (newer revision) is no longer "por corregir":
    // it is pending, or sent, even while this page still shows the older list.
    const corrected = await Promise.all(returned.map(([id, revision]) => store.correctedRevision(id).then((r) => r > revision)));
    const toCorrect = corrected.filter((done) => !done).length;
    const newDrafts = drafts.filter((d) => d.kind !== 'rejected' && !returnedIds.includes(d.id)).length;
    const parts = [];
    if (counts.pending) parts.push(tn('pending', counts.pending));
    if (counts.photos) parts.push(tn('pending_photos', counts.photos));
    if (counts.rejected) parts.push(tn('rejected', counts.rejected));
    if (toCorrect) parts.push(tn('returned_count', toCorrect));
    if (counts.refusedPhotos) parts.push(tn('refused_photos', counts.refusedPhotos));
    if (!parts.length) parts.push(t('all_sent'));
    if (newDrafts > 0) parts.push(tn('drafts_count', newDrafts)); // shown apart: not "sent", not "waiting"
    countsNode.textContent = parts.join(' · ');
    last.textContent = t('last_sync', { when: when(state.last_success) });
    const waiting = counts.pending + counts.photos > 0;
    // Signal without an answer from the server is not "En línea": the badge and the error say one thing.
    const unreachable = online && waiting && state.unreachable;
    net.textContent = t(!online ? 'offline' : unreachable ? 'reconnecting' : 'online');
    net.className = `badge ${online && !unreachable ? 'ok' : 'warn'}`;
    // Offline, the badge says it all (unless the officer asked to send); the last error matters once the
    // network is back.
    const shown = offlineNote || (waiting && online && state.last_error ? state.last_error : '');
    error.hidden = !shown;
    error.textContent = shown;
    if (shown && !offlineNote && state.needs_login) appendLoginLink(error);
    others.hidden = !otherCount;
    others.textContent = otherCount ? tn('other_accounts', otherCount) : '';
    if (formNode) showForm(formNode, form);
    bar.dataset.pending = String(counts.pending);
    bar.dataset.toCorrect = String(toCorrect);
    bar.dataset.state = waiting ? (state.last_error ? 'error' : 'pending') : counts.rejected + toCorrect ? 'attention' : 'idle';
  }

  button.addEventListener('click', async () => {
    if (!navigator.onLine) { // say so, instead of a spinner that ends in nothing
      offlineNote = t('sync_offline');
      render();
      return;
    }
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

/** "Formulario: <title>, versión <version>" (the label comes translated in the page), or nothing. */
function showForm(node, form) {
  node.hidden = !form;
  // Functions, not strings, as replacements: a "$&" in a title is text, not a pattern.
  node.textContent = form
    ? node.dataset.label.replace('%(title)s', () => form.title || '').replace('%(version)s', () => form.version || '')
    : '';
  node.dataset.versionId = form ? String(form.id) : '';
}

function appendLoginLink(node) {
  const link = document.createElement('a');
  link.href = `/login?next=${encodeURIComponent(window.location.pathname)}`;
  link.textContent = t('login_link');
  node.append(' ', link);
}
