// Which draft the visit form opens, and, above it, the officer's other unfinished work on this phone,
// so that opening one Mipyme never hides another's draft (visits the server refused, other Mipymes).
import * as store from './store.js';
import { t, tn } from './i18n.js';

/**
 * ?draft= opens that draft; ?mipyme_id= (the agenda's "Registrar visita") that Mipyme, with its own
 * draft if it has one, whatever other drafts wait; neither, the new-visit draft touched last.
 * Returns {draft (or null: start a blank one), mipymeId (for the blank one)}.
 */
export async function draftToOpen(query, officerId, mipymeIds) {
  const wanted = query.get('draft') && (await store.getDraft(query.get('draft')));
  if (wanted && String(wanted.officer_id) === String(officerId)) return { draft: wanted, mipymeId: '' };
  const preset = query.get('mipyme_id');
  if (preset && mipymeIds.has(preset)) return { draft: await store.newDraftFor(officerId, preset), mipymeId: preset };
  return { draft: (await store.listDrafts(officerId)).find((d) => d.kind === 'new') || null, mipymeId: '' };
}

/** What the notice says about the draft that opened. */
export function messageFor(found, nameOf) {
  if (found.kind === 'rejected') return t('draft_rejected');
  if (found.kind === 'returned') return t('draft_returned', { comment: found.review_comment || '—' });
  return found.fields.mipyme_id ? t('draft_restored_for', { name: nameOf(found.fields.mipyme_id) }) : t('draft_restored');
}

function link(href, text) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  return a;
}

/** Fill the two notices from `drafts` (all of the officer's), leaving out `current`. */
export function showOtherDrafts(drafts, current, nameOf) {
  const rejectedBox = document.querySelector('[data-rejected-waiting]');
  const rejected = drafts.filter((d) => d.kind === 'rejected' && d.id !== current.id);
  rejectedBox.hidden = !rejected.length;
  if (rejected.length) {
    rejectedBox.replaceChildren(`${tn('rejected_waiting', rejected.length)} `,
      link(`?draft=${encodeURIComponent(rejected[0].id)}`, t('fix_now')));
  }
  const othersBox = document.querySelector('[data-other-drafts]');
  if (!othersBox) return;
  const others = drafts.filter((d) => d.kind === 'new' && d.id !== current.id);
  othersBox.hidden = !others.length;
  const links = others.map((d) => (d.mipyme_id
    ? link(`?mipyme_id=${encodeURIComponent(d.mipyme_id)}`, nameOf(d.mipyme_id))
    : link(`?draft=${encodeURIComponent(d.id)}`, t('draft_without_mipyme'))));
  othersBox.replaceChildren(`${t('other_drafts')} `, ...links.flatMap((a, i) => (i ? [', ', a] : [a])));
}
