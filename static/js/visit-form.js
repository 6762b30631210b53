// The visit form, offline first: what the officer types is autosaved as a draft in IndexedDB, one draft
// per Mipyme, owned by one tab at a time; "Guardar visita" moves it to the outbox (keyed by the visit's
// UUID), from where sync.js sends it when it can.
import * as store from './store.js';
import { t, when } from './i18n.js';
import { claim, slotOf, stopWaiting, whenFree } from './draft-lock.js';
import { initPhotos } from './form-photos.js';
import { draftToOpen, messageFor, showOtherDrafts } from './draft-choice.js';
import { changed, requestBackgroundSync, syncNow } from './sync.js';
import { emptyFields, fieldsToPayload, validate } from './visit-data.js';
import {
  clearErrors, formatNumbers, initCounter, initLocation, initNumbers, initPicker, setReadOnly, showDraftAddress, showErrors,
} from './form-widgets.js';
import { attachQuestions } from './forms/visit-questions.js';

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

/** The visit as the API takes it, and the errors that keep it out of the outbox. */
const collectPayload = (fields) => ({ ...fieldsToPayload(draft.id, draft.revision, fields), ...questions.payload() });
const collectErrors = (fields) => ({ ...validate(fields, mipymeIds, new Date()), ...questions.errors() });

function say(text, kind = 'info') {
  notice.textContent = text;
  notice.className = `notice notice-${kind}`;
  notice.hidden = !text;
}

/** Autosave, chained so that the last change lands last; a tab that does not own the draft never writes. */
function saveDraft() {
  if (!owned) return saving;
  draft.fields = readFields();
  draft.mipyme_name = chosenName();
  const snapshot = { ...draft };
  saving = saving.then(() => store.saveDraft(snapshot)).then(() => {
    if (draft.id === snapshot.id) persisted = true;
    discardButton.hidden = false;
    draftStatus.textContent = t('draft_saved', { time: when(Date.now()) });
    form.dataset.draftSaved = String(Date.now());
  }).catch((error) => say(t('save_failed', { error: error.message }), 'error'));
  return saving;
}

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
  } else saveDraft();
}

/**
 * The officer (or the picker, when one name matches) chose a Mipyme. That Mipyme's own draft opens if
 * it has one, and this one stays as it was; otherwise this draft goes with the choice. Choosing alone
 * never creates a draft.
 */
async function chooseMipyme(id) {
  await saving;
  const before = draft.fields.mipyme_id || '';
  if (id === before) return;
  if (draft.kind !== 'new') { saveDraft(); return; } // a returned or rejected visit: its Mipyme is one of its fields
  const theirs = id ? await store.newDraftFor(officerId, id) : null;
  if (!owned || (theirs && theirs.id !== draft.id)) { await show(theirs || newDraft(id), theirs ? messageFor(theirs, nameOf) : ''); return; }
  if (!(await claim(slotOf(officerId, { kind: 'new', fields: { mipyme_id: id } })))) {
    form.elements.mipyme_id.value = before; // that Mipyme is being filled in another tab
    say(t('draft_open_elsewhere'), 'warn');
    return;
  }
  draft.fields.mipyme_id = id;
  if (persisted) {
    await saveDraft();
    if (before) say(t('draft_moved', { name: nameOf(id) }), 'info');
  }
  showDraftAddress(draft, persisted);
}

/** The form's title says what it does: a new visit, a correction, or an edit before sending. */
const titleNode = document.querySelector('[data-form-title]');
const newTitle = titleNode?.textContent;
function showTitle(kind) {
  const text = { returned: t('form_title_correct'), pending: t('form_title_pending') }[kind] || newTitle;
  if (titleNode) titleNode.textContent = text;
  document.title = document.title.replace(/^[^·]*/, `${text} `);
}

/** A draft's Mipyme stays chosen, by its stored name, even when it is no longer in the officer's list
 * (reassigned after the visit): the server judges the visit at its own moment. */
function keepMipyme(next) {
  const id = String(next.fields.mipyme_id || '');
  if (!id || mipymeIds.has(id) || !next.mipyme_name) return;
  mipymes.push({ id: Number(id), name: next.mipyme_name, neighborhood: '', sector: '' });
  mipymeIds.set(id, null); // its enrolment day is not on this page: the server checks it
  form.elements.mipyme_id.add(new Option(next.mipyme_name, id));
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
  stopWaiting();
  draft = next;
  keepMipyme(next);
  showTitle(next.kind);
  persisted = Boolean(next.updated_at);
  owned = await claim(slotOf(officerId, next));
  writeFields(next.fields);
  await questions.write(next.fields);
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
  const errors = collectErrors(fields);
  if (Object.keys(errors).length) {
    const first = showErrors(form, errors, t('err_form_summary'));
    first?.focus();
    return;
  }
  await saving;
  const payload = collectPayload(fields);
  try {
    await store.queueVisit({ ...draft, fields, mipyme_name: chosenName() }, payload);
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
  await saving;
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
