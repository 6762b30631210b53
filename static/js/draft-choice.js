// Which draft the visit form opens, and, above it, the officer's other unfinished work on this phone,
// so that opening one Mipyme never hides another's draft (visits the server refused, other Mipymes).
import * as store from './store.js';
import { t, tn, when } from './i18n.js';

/**
 * ?draft= opens that draft; ?mipyme_id= (the agenda's "Registrar visita") that Mipyme, with its own
 * draft if it has one, whatever other drafts wait; neither ("Nueva visita"), a blank visit: the drafts
 * waiting are offered above it by name, never opened in its place (where the officer would type another
 * Mipyme's visit into them). Returns {draft (or null: start a blank one), mipymeId (for the blank one)}.
 */
export async function draftToOpen(query, officerId, mipymeIds) {
  const wanted = query.get('draft') && (await store.getDraft(query.get('draft')));
  if (wanted && String(wanted.officer_id) === String(officerId)) return { draft: wanted, mipymeId: '' };
  const preset = query.get('mipyme_id');
  if (preset && mipymeIds.has(preset)) return { draft: await store.newDraftFor(officerId, preset), mipymeId: preset };
  return { draft: null, mipymeId: '' };
}

const titleNode = typeof document !== 'undefined' ? document.querySelector('[data-form-title]') : null;
const newTitle = titleNode?.textContent;

/** The form's title says what it does: a new visit, a correction, or an edit before sending. */
export function showTitle(kind) {
  const text = { returned: t('form_title_correct'), pending: t('form_title_pending') }[kind] || newTitle;
  if (titleNode) titleNode.textContent = text;
  document.title = document.title.replace(/^[^·]*/, `${text} `);
}

/**
 * Why a returned visit came back, each part signed by who wrote it: the owner's complaint (a dispute the
 * supervisor upheld) and the supervisor's instruction, as [label, text] pairs.
 */
export function correctionNotes(draft) {
  const notes = [];
  if (draft.owner_comment) notes.push([t('owner_said'), draft.owner_comment]);
  const supervisor = draft.reviewer_name ? t('supervisor_said_by', { name: draft.reviewer_name }) : t('supervisor_said');
  notes.push([supervisor, draft.review_comment || '—']);
  return notes;
}

function said([label, text]) {
  const line = document.createElement('p');
  const who = document.createElement('strong');
  who.textContent = label;
  line.append(who, ' ', text);
  return line;
}

/** What the notice says about the draft that opened (text, or the lines of a returned visit's notes). */
export function messageFor(found, nameOf) {
  if (found.kind === 'rejected') return t('draft_rejected');
  if (found.kind === 'returned') return [t('draft_returned'), ...correctionNotes(found).map(said)];
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
  // By name and when it was last touched: "Calzado Vallenato (hoy 10:42)".
  const links = others.map((d) => (d.mipyme_id
    ? link(`?mipyme_id=${encodeURIComponent(d.mipyme_id)}`, `${nameOf(d.mipyme_id)} (${when(d.updated_at)})`)
    : link(`?draft=${encodeURIComponent(d.id)}`, `${t('draft_without_mipyme')} (${when(d.updated_at)})`)));
  othersBox.replaceChildren(`${t('other_drafts')} `, ...links.flatMap((a, i) => (i ? [', ', a] : [a])));
}

/**
 * Under the new visit of the Mipyme just chosen, offer to move there the draft left with its own Mipyme:
 * the one way a draft changes business, and only when the officer says it was for the wrong one.
 */
export function offerMove(name, move) {
  const box = document.querySelector('[data-move-draft]');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button small secondary';
  button.textContent = t('draft_move', { name });
  button.addEventListener('click', () => { withdrawMove(); move(); });
  box.replaceChildren(button);
  box.hidden = false;
}

/** The offer no longer holds (another draft opened, or the officer started typing the new visit). */
export function withdrawMove() {
  const box = document.querySelector('[data-move-draft]');
  if (box) { box.hidden = true; box.replaceChildren(); }
}
