// "Mis visitas", the phone's part: visits still in the outbox ("Pendiente de envío") and drafts
// (unfinished, sent back by the server, or returned by the supervisor and being fixed); and the
// "Corregir y reenviar" button of a returned visit, which opens it in the form as revision + 1.
import * as store from './store.js';
import { t, tn } from './i18n.js';
import { onChange } from './sync.js';
import { payloadToFields } from './visit-data.js';

const section = document.querySelector('[data-local-visits]');
const officerId = section?.dataset.officer;
const formUrl = section?.dataset.formUrl || '/visits/new';
const names = new Map(JSON.parse(section?.dataset.mipymes || '[]').map((m) => [String(m.id), m.name]));

const mipymeName = (id) => names.get(String(id)) || t('unknown_mipyme', { id });

function card({ id, mipymeId, visitedAt, badge, badgeClass, details = [], link = null }) {
  const item = document.createElement('li');
  item.className = 'card visit-card local-visit';
  item.dataset.localId = id;
  const title = document.createElement('h3');
  title.className = 'card-title';
  title.textContent = mipymeId ? mipymeName(mipymeId) : t('local_draft');
  const meta = document.createElement('p');
  meta.className = 'muted';
  meta.textContent = visitedAt ? new Date(visitedAt).toLocaleString(document.documentElement.lang || 'es-CO',
    { dateStyle: 'short', timeStyle: 'short' }) : '—';
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
    a.textContent = t('open_draft');
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
      id: record.id, mipymeId: record.visit.mipyme_id, visitedAt: record.visit.visited_at,
      badge: t('local_sent'), badgeClass: 'ok local-sent',
    })),
    ...outbox.map((record) => card({
      id: record.id, mipymeId: record.visit.mipyme_id, visitedAt: record.visit.visited_at,
      badge: t('local_pending'), badgeClass: 'warn local-pending',
      details: record.attempts ? [t('attempts', { count: record.attempts, error: record.last_error || '' })] : [],
    })),
    ...drafts.map((d) => {
      const kind = { rejected: ['local_rejected', 'danger'], returned: ['local_returned', 'warn'] }[d.kind] || ['local_draft', 'muted'];
      const details = Object.values(d.errors || {}).flat();
      if (d.kind === 'returned' && d.review_comment) details.unshift(d.review_comment);
      return card({
        id: d.id, mipymeId: d.fields.mipyme_id, visitedAt: d.fields.visited_at, badge: t(kind[0]), badgeClass: kind[1],
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

/** A returned visit opens in the form as a draft of revision + 1, through the same outbox. */
async function reopen(visit) {
  const existing = await store.getDraft(visit.id);
  if (!existing) {
    await store.saveDraft({
      id: visit.id, officer_id: officerId, fields: payloadToFields(visit), revision: (visit.revision || 1) + 1,
      kind: 'returned', review_comment: visit.review_comment, errors: {},
    });
  }
  window.location.href = `${formUrl}?draft=${encodeURIComponent(visit.id)}`;
}

if (section && officerId) {
  document.querySelectorAll('[data-reopen]').forEach((button) => {
    button.addEventListener('click', () => reopen(JSON.parse(button.dataset.reopen)));
  });
  onChange(() => render());
  render();
}
