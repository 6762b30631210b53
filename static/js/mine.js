// "Mis visitas", the phone's part: visits still in the outbox ("Pendiente de envío", which can be edited
// before they go) and drafts (unfinished, rejected by the server, or returned by supervision and being
// fixed). The "Corregir visita" button of a returned visit lives in correct.js.
import * as store from './store.js';
import { formatMoment, t, tn } from './i18n.js';
import { onChange } from './sync.js';
import { correctionNotes } from './draft-choice.js';

const section = document.querySelector('[data-local-visits]');
const officerId = section?.dataset.officer;
const formUrl = section?.dataset.formUrl || '/visits/new';
const names = new Map(JSON.parse(section?.dataset.mipymes || '[]').map((m) => [String(m.id), m.name]));

// A Mipyme no longer assigned (reassigned after the visit) keeps the name stored with the record.
const mipymeName = (id, stored) => names.get(String(id)) || stored || t('unknown_mipyme', { id });

function card({ id, mipymeId, mipymeStored, title: visitTitle = null, visitedAt, badge, badgeClass, details = [], link = null, linkText = t('open_draft'), editQueued = false }) {
  const item = document.createElement('li');
  item.className = 'card visit-card local-visit';
  item.dataset.localId = id;
  item.dataset.searchItem = ''; // search.js filters it with the office's cards
  const title = document.createElement('h3');
  title.className = 'card-title';
  const name = mipymeId ? mipymeName(mipymeId, mipymeStored) : t('local_draft');
  title.textContent = visitTitle || name; // a titled visit leads with its title, its Mipyme below (as the server's cards)
  const meta = document.createElement('p');
  meta.className = 'muted';
  const when = visitedAt ? formatMoment(visitedAt) : '—';
  meta.textContent = visitTitle ? `${name} · ${when}` : when;
  const status = document.createElement('p');
  const pill = document.createElement('span');
  pill.className = `badge ${badgeClass}`;
  pill.textContent = badge;
  status.append(pill);
  item.append(title, meta, status);
  for (const text of details) {
    const p = document.createElement('p');
    p.className = 'small-print';
    p.textContent = text;
    item.append(p);
  }
  if (link) {
    const a = document.createElement('a');
    a.className = 'button small';
    a.href = link;
    a.textContent = linkText;
    if (editQueued) a.dataset.editQueued = '';
    item.append(a);
  }
  return item;
}

// Visits sent while this page is open stay listed as sent (the office's list below is as of page load).
const seenPending = new Map();

async function render() {
  const [outbox, drafts, counts] = await Promise.all([store.listOutbox(officerId), store.listDrafts(officerId),
    store.counts(officerId)]);
  const list = section.querySelector('[data-local-list]');
  const current = new Set([...outbox, ...drafts].map((r) => r.id));
  const sent = [...seenPending.values()].filter((record) => !current.has(record.id));
  outbox.forEach((record) => seenPending.set(record.id, record));
  const items = [
    ...sent.map((record) => card({
      id: record.id, mipymeId: record.visit.mipyme_id, mipymeStored: record.mipyme_name, title: record.title,
      visitedAt: record.visit.visited_at, badge: t('local_sent'), badgeClass: 'ok local-sent',
    })),
    ...outbox.map((record) => card({
      id: record.id, mipymeId: record.visit.mipyme_id, mipymeStored: record.mipyme_name, title: record.title,
      visitedAt: record.visit.visited_at,
      // One the server failed on, sent alone (sync-send.js): kept, and said plainly.
      badge: t(record.stuck ? 'local_stuck' : 'local_pending'), badgeClass: record.stuck ? 'danger local-stuck' : 'warn local-pending',
      details: record.stuck ? [record.last_error]
        : record.attempts ? [t('attempts', { count: record.attempts, error: record.last_error || '' })] : [],
      link: `${formUrl}?draft=${encodeURIComponent(record.id)}`, linkText: t('edit_pending'), editQueued: true,
    })),
    ...drafts.map((d) => {
      const kind = { rejected: ['local_rejected', 'danger'], returned: ['local_returned', 'warn'],
        pending: ['local_editing', 'warn'] }[d.kind] || ['local_draft', 'muted'];
      const details = Object.values(d.errors || {}).flat();
      if (d.kind === 'returned') details.unshift(...correctionNotes(d).map(([who, text]) => `${who} ${text}`));
      return card({
        id: d.id, mipymeId: d.fields.mipyme_id, mipymeStored: d.mipyme_name, visitedAt: d.fields.visited_at,
        badge: t(kind[0]), badgeClass: kind[1],
        details, link: `${formUrl}?draft=${encodeURIComponent(d.id)}`,
      });
    }),
  ];
  list.replaceChildren(...items);
  const empty = section.querySelector('[data-local-empty]');
  empty.textContent = items.length ? (counts.photos ? tn('pending_photos', counts.photos) : '') : t('local_none');
  empty.hidden = !empty.textContent;
  section.dataset.ready = 'true';
}

/** "Editar antes de enviar": the outbox record goes back to the drafts first, so the sync cannot send
 * the old content while the officer changes it. */
async function editQueued(event) {
  const link = event.target.closest('a[data-edit-queued]');
  if (!link) return;
  event.preventDefault();
  if (await store.reopenQueued(link.closest('[data-local-id]').dataset.localId)) {
    window.location.href = link.href;
    return;
  }
  // It reached the office a moment ago: the card turns to "Enviada a la oficina"; say why nothing opened.
  const empty = section.querySelector('[data-local-empty]');
  empty.textContent = t('edit_pending_sent');
  empty.hidden = false;
}

if (section && officerId) {
  section.addEventListener('click', editQueued);
  onChange(() => render());
  render();
}
