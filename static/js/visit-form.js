// The visit form, offline first: what the officer types is autosaved as a draft in IndexedDB, one draft
// per Mipyme (a draft never changes business unless the officer says so), owned by one tab at a time; "Guardar visita" moves it to the outbox (keyed by the visit's
// UUID), from where sync.js sends it when it can.
import * as store from './store.js';
import { t, when } from './i18n.js';
import { claim, slotOf, stopWaiting, whenFree } from './draft-lock.js';
import { initPhotos } from './form-photos.js';
import { draftToOpen, messageFor, offerMove, showOtherDrafts, showTitle, withdrawMove } from './draft-choice.js';
import { changed, requestBackgroundSync, syncNow } from './sync.js';
import { emptyFields, fieldsToPayload, validate } from './visit-data.js';
import {
  clearErrors, formatNumbers, initCounter, initLocation, initNumbers, initPicker, keepMipyme, setReadOnly, showDraftAddress,
  showErrors, showFigures,
} from './form-widgets.js';
import { attachQuestions } from './forms/visit-questions.js';
import { idleSave } from './idle-save.js';

const form = document.querySelector('[data-visit-form]');
const officerId = form?.dataset.officer;
const mipymes = JSON.parse(form?.dataset.mipymes || '[]');
const mipymeIds = new Map(mipymes.map((m) => [String(m.id), m.enrolled_on])); // id → enrolment day
const notice = document.querySelector('[data-form-notice]');
const draftStatus = form?.querySelector('[data-draft-status]');
const discardButton = form?.querySelector('[data-discard]');
const questions = attachQuestions(form); // the programme's form: hooks read, write, errors, payload
const TEXT_INPUTS = ['mipyme_id', 'visited_at', 'production_units', 'monthly_sales_cop', 'employees', 'needs', 'notes',
  'follow_up_due', 'follow_up_reason'];

let draft = null; // {id, officer_id, mipyme_id, fields, revision, kind, errors, review_comment?}
let persisted = false; // stored as a draft (only once the officer typed something)
let owned = true; // this tab holds the draft (draft-lock.js); a tab that does not only shows it
let saving = Promise.resolve();
let showLocation = () => {};
let updateCounter = () => {};
let photos = null;

const nameOf = (id) => mipymes.find((m) => String(m.id) === String(id))?.name || t('unknown_mipyme', { id });

function newDraft(mipymeId = '') {
  const fields = { ...emptyFields(), mipyme_id: mipymeId };
  return { id: store.newId(), officer_id: officerId, fields, revision: 1, kind: 'new', errors: {} };
}

function readFields() {
  const fields = { location: draft.fields.location || null };
  for (const name of TEXT_INPUTS) fields[name] = form.elements[name]?.value ?? '';
  fields.topics = [...form.querySelectorAll('input[name=topics]:checked')].map((input) => input.value);
  return Object.assign(fields, questions.read());
}

function writeFields(fields) {
  for (const name of TEXT_INPUTS) if (form.elements[name]) form.elements[name].value = fields[name] ?? '';
  const picker = form.elements.mipyme_id;
  if (picker.selectedIndex === -1) picker.selectedIndex = 0; // no longer assigned: back to "— Elija —"
  for (const box of form.querySelectorAll('input[name=topics]')) box.checked = (fields.topics || []).includes(box.value);
  form.elements.id.value = draft.id;
  form.elements.revision.value = String(draft.revision);
  formatNumbers(form);
  showLocation(fields.location);
  updateCounter();
}

/** Say `text` above the form (a string, or a list of strings and nodes: a returned visit's signed notes). */
function say(text, kind = 'info') {
  notice.replaceChildren(...[text].flat());
  notice.className = `notice notice-${kind}`;
  notice.hidden = !notice.textContent;
}

/** Autosave, chained so that the last change lands last; a tab that does not own the draft never writes. */
function saveDraft() {
  if (!owned) return saving;
  draft.fields = readFields();
  draft.mipyme_name = chosenName();
  const snapshot = { ...draft };
  saving = saving.then(() => store.saveDraft(snapshot)).then(() => {
    if (draft.id === snapshot.id && !persisted) { persisted = true; showDraftAddress(draft, true); } // a reload reopens it
    discardButton.hidden = false;
    draftStatus.textContent = t('draft_saved', { time: when(Date.now()) });
    form.dataset.draftSaved = String(Date.now());
  }).catch((error) => say(t('save_failed', { error: error.message }), 'error'));
  return saving;
}

// Typing saves when the phone is idle (idle-save.js); flushSave() first wherever the stored draft is needed.
const typing = idleSave(saveDraft, () => saving);
const saveSoon = typing.soon;
const flushSave = typing.flush;

/** A photo's draft must exist before the photo points at it (the one on screen, or one left meanwhile). */
const keepDraft = (owner) => (owner === draft ? saveDraft() : store.getDraft(owner.id).then((d) => d || store.saveDraft(owner)));

function onEdit(event) {
  const name = event.target.name;
  if (!name) return; // the picker's search box is not part of the visit
  if (event.type === 'input' && draft.errors?.[name]) { // the officer is fixing this field: its old error goes
    delete draft.errors[name];
    showErrors(form, draft.errors, Object.keys(draft.errors).length ? t('err_form_summary') : '');
  }
  if (name === 'mipyme_id') {
    if (event.type === 'change') chooseMipyme(event.target.value);
  } else {
    withdrawMove(); // this visit has content of its own now: the draft left behind stays where it is
    saveSoon();
  }
}

/**
 * The officer (or the picker, when one name matches) chose a Mipyme. That Mipyme's own draft opens if
 * it has one; a draft with content stays with the Mipyme it was started for, and the chosen one gets a
 * new visit (with the offer to move the draft there, if it was for the wrong business); a draft with no
 * content or no Mipyme yet takes the choice. Choosing alone never creates a draft.
 */
async function chooseMipyme(id) {
  await flushSave();
  const before = draft.fields.mipyme_id || '';
  if (id === before) return;
  if (draft.kind !== 'new') { saveDraft(); return; } // a returned or rejected visit: its Mipyme is one of its fields
  const theirs = id ? await store.newDraftFor(officerId, id) : null;
  const left = persisted && before ? draft : null;
  const movable = left && owned && !theirs && id; // never a draft another tab holds, never onto another's draft
  if (!owned || left || (theirs && theirs.id !== draft.id)) {
    const message = theirs ? messageFor(theirs, nameOf) : left && t('draft_kept', { to: nameOf(id), name: nameOf(before) });
    await show(theirs || newDraft(id), message || '');
    if (movable && owned) offerMove(nameOf(id), () => moveDraft(left.id, before, id));
    return;
  }
  if (!(await claim(slotOf(officerId, { kind: 'new', fields: { mipyme_id: id } })))) {
    form.elements.mipyme_id.value = before; // that Mipyme is being filled in another tab
    say(t('draft_open_elsewhere'), 'warn');
    return;
  }
  draft.fields.mipyme_id = id;
  if (persisted) await saveDraft();
  showDraftAddress(draft, persisted);
}

/** "Este borrador era para otro negocio": the draft left with `from` becomes the visit of `to` (the one on
 * screen, still untouched), photos included; nothing moves if either changed meanwhile. */
async function moveDraft(id, from, to) {
  await flushSave();
  const kept = await store.getDraft(id);
  if (persisted || draft.fields.mipyme_id !== to || String(kept?.fields.mipyme_id) !== from) return;
  await show({ ...kept, fields: { ...kept.fields, mipyme_id: to } }, t('draft_moved', { name: nameOf(to) }));
  await saveDraft();
}

const chosenName = () => {
  const picked = mipymes.find((m) => String(m.id) === String(form.elements.mipyme_id.value));
  return picked?.name || draft.mipyme_name || null;
};

/** When the other tab lets go of `shown`, reopen it from storage, where that tab's last change is. */
const reopenWhenFree = (shown) => whenFree(slotOf(officerId, shown), async () => {
  const mipymeId = shown.kind === 'new' ? shown.fields.mipyme_id : '';
  const fresh = (await store.getDraft(shown.id)) || (mipymeId ? await store.newDraftFor(officerId, mipymeId) : null);
  await show(fresh || newDraft(mipymeId), t('draft_free_now'));
});

async function show(next, message = '') {
  await flushSave(); // what was typed in the draft on screen is stored before another takes its place
  stopWaiting();
  withdrawMove();
  draft = next;
  keepMipyme(form, mipymes, mipymeIds, next);
  showTitle(next.kind);
  persisted = Boolean(next.updated_at);
  owned = await claim(slotOf(officerId, next));
  writeFields(next.fields);
  await questions.write(next.fields);
  await showFigures(form, questions.read().form_version_id);
  clearErrors(form);
  // The notice above says why; the summary lists only errors that belong to no field.
  if (next.errors && Object.keys(next.errors).length) showErrors(form, next.errors, '');
  setReadOnly(form, !owned);
  if (owned) say(message, next.kind === 'new' ? 'info' : 'warn');
  else {
    say(t('draft_open_elsewhere'), 'warn');
    reopenWhenFree(next);
  }
  discardButton.hidden = !persisted || !owned;
  draftStatus.textContent = persisted ? t('draft_saved', { time: when(next.updated_at) }) : '';
  showDraftAddress(draft, persisted);
  await photos.render(next.id);
  showOtherDrafts(await store.listDrafts(officerId), draft, nameOf);
}

async function open() {
  const { draft: found, mipymeId } = await draftToOpen(new URLSearchParams(window.location.search), officerId, mipymeIds);
  return show(found || newDraft(mipymeId), found ? messageFor(found, nameOf) : '');
}

async function submit(event) {
  event.preventDefault();
  if (!owned) return;
  if (photos.busy()) { // a photo being prepared goes with this visit, not the next one
    say(t('photo_wait'), 'info');
    await photos.idle();
  }
  const fields = readFields();
  const judged = questions.judge();
  const errors = { ...validate(fields, mipymeIds, new Date()), ...judged.errors };
  if (Object.keys(errors).length) {
    const first = showErrors(form, errors, t('err_form_summary'));
    first?.focus();
    return;
  }
  await flushSave();
  const payload = { ...fieldsToPayload(draft.id, draft.revision, fields), ...judged.payload };
  try {
    await store.queueVisit({ ...draft, fields, mipyme_name: chosenName(), title: judged.title }, payload);
  } catch (error) {
    say(t('save_failed', { error: error.message }), 'error');
    return;
  }
  changed();
  await show(newDraft(), '');
  say(navigator.onLine ? t('visit_queued_online') : t('visit_queued'), 'ok');
  form.dataset.lastQueued = payload.id;
  window.scrollTo(0, 0);
  notice.focus?.();
  requestBackgroundSync();
  if (navigator.onLine) syncNow(officerId, { force: true }).then(() => reportSent(payload.id));
}

/** After the send that follows a save: say whether the visit reached the office. */
async function reportSent(visitId) {
  if (form.dataset.lastQueued !== visitId || notice.hidden) return; // the officer has moved on
  const queued = (await store.listOutbox(officerId)).some((r) => r.id === visitId);
  const back = await store.getDraft(visitId);
  if (!queued && !back) say(t('visit_sent'), 'ok');
  else if (queued) say(t('visit_queued'), 'ok');
}

async function discard() {
  if (!owned || !window.confirm(t('discard_confirm'))) return;
  await photos.idle();
  await flushSave();
  await store.discardDraft(draft.id);
  changed();
  await show(newDraft(), '');
}

if (form && officerId) {
  initPicker(form, mipymes, { mayChoose: () => !persisted });
  initNumbers(form, {
    onInvalid: (name, message) => {
      draft.errors = { ...draft.errors, [name]: [message] };
      showErrors(form, draft.errors, '');
    },
  });
  updateCounter = initCounter(form);
  showLocation = initLocation(form, {
    draftId: () => draft.id,
    onFix: (location) => { draft.fields.location = location; showLocation(location); saveDraft(); },
  });
  photos = initPhotos(form, { officerId, ownerNow: () => draft, keep: keepDraft });
  form.addEventListener('input', onEdit);
  form.addEventListener('change', onEdit);
  form.addEventListener('submit', submit);
  discardButton.addEventListener('click', discard);
  notice.tabIndex = -1;
  open().then(() => { form.dataset.ready = 'true'; }, () => say(t('storage_unavailable'), 'error'));
}
