// "Corregir visita" (the officer's home, "Mis visitas"): a visit the supervisor returned opens in the form
// as a draft of revision + 1, with the supervisor's comment, and goes back through the same outbox.
// The page's copy of the visit may be older than the phone's work on it (a cached page, offline): a
// correction already on the phone is what opens, and one already sent is never overwritten by the old copy.
import * as store from './store.js';
import { t } from './i18n.js';
import { payloadToFields } from './visit-data.js';

const me = document.querySelector('meta[name="fieldwork-user"]');
const formUrl = '/visits/new';
const openForm = (id) => { window.location.href = `${formUrl}?draft=${encodeURIComponent(id)}`; };

/** What the phone holds of the correction of `visit`: 'draft', 'queued', 'sent' or null. */
async function correctionState(visit) {
  if (await store.getDraft(visit.id)) return 'draft';
  if ((await store.listOutbox(me.content)).some((r) => r.id === visit.id)) return 'queued';
  return (await store.correctedRevision(visit.id)) > (visit.revision || 1) ? 'sent' : null;
}

/** The owner's complaint, when the visit came back because the supervisor agreed with the owner. */
const upheldComplaint = (visit) =>
  (visit.dispute_outcome === 'owner_right' && visit.owner_confirmation === 'disputed' ? visit.owner_comment : null) || null;

/** Open the correction of a returned server visit: the phone's own if there is one, else a new draft (with
 * why it came back, signed: the supervisor's instruction and name, the owner's complaint). */
export async function reopen(visit, officerId, button) {
  const state = await correctionState(visit);
  if (state === 'draft') return openForm(visit.id);
  if (state === 'queued' && (await store.reopenQueued(visit.id))) return openForm(visit.id);
  if (state === 'sent' || state === 'queued') return mark(button, t('correction_sent'));
  await store.saveDraft({
    id: visit.id, officer_id: officerId, fields: payloadToFields(visit), revision: (visit.revision || 1) + 1,
    kind: 'returned', review_comment: visit.review_comment, owner_comment: upheldComplaint(visit),
    reviewer_name: visit.reviewer_name || null, mipyme_name: visit.mipyme_name || null, errors: {},
  });
  return openForm(visit.id);
}

function mark(button, text) {
  let note = button.parentElement.querySelector('[data-correction-state]');
  if (!note) {
    note = document.createElement('p');
    note.className = 'badge ok';
    note.dataset.correctionState = '';
    button.before(note);
  }
  note.textContent = text;
}

async function markCorrections() {
  for (const button of document.querySelectorAll('[data-reopen]')) {
    const state = await correctionState(JSON.parse(button.dataset.reopen));
    if (state === 'queued') mark(button, t('correction_queued'));
    else if (state === 'sent') mark(button, t('correction_sent'));
  }
}

if (me) {
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-reopen]');
    if (!button) return;
    const visit = JSON.parse(button.dataset.reopen);
    const card = button.closest('[data-search-item], [data-returned-visit]');
    // The card's heading may be the visit's title (the form's instance_name): the Mipyme is named apart.
    visit.mipyme_name ||= card?.dataset.mipymeName || null;
    visit.reviewer_name ||= card?.dataset.reviewerName || null; // the card names who returned it
    reopen(visit, me.content, button);
  });
  markCorrections();
}
