// The visit form, offline first: every change is autosaved as a draft in IndexedDB; "Guardar visita"
// moves it to the outbox (keyed by the visit's UUID), from where sync.js sends it when it can.
import * as store from './store.js';
import { t, tn, when } from './i18n.js';
import { downscale, photoUrl } from './photos.js';
import { changed, requestBackgroundSync, syncNow } from './sync.js';
import { DATE_RULES, emptyFields, fieldsToPayload, validate } from './visit-data.js';
import { clearErrors, formatNumbers, initCounter, initLocation, initNumbers, initPicker, showErrors } from './form-widgets.js';
import { attachQuestions } from './forms/visit-questions.js';

const form = document.querySelector('[data-visit-form]');
const officerId = form?.dataset.officer;
const mipymes = JSON.parse(form?.dataset.mipymes || '[]');
const mipymeIds = new Set(mipymes.map((m) => String(m.id)));
const dateRules = { ...DATE_RULES, ...JSON.parse(form?.dataset.dateRules || '{}') }; // the server's zone and clock skew
const notice = document.querySelector('[data-form-notice]');
const draftStatus = form?.querySelector('[data-draft-status]');
const discardButton = form?.querySelector('[data-discard]');
const questions = attachQuestions(form); // the programme's form: hooks read, write, errors, payload
const TEXT_INPUTS = ['mipyme_id', 'visited_at', 'production_units', 'monthly_sales_cop', 'employees', 'needs', 'notes',
  'follow_up_due', 'follow_up_reason'];

let draft = null; // {id, officer_id, fields, revision, kind, errors, review_comment?}
let persisted = false;
let saving = Promise.resolve();
let showLocation = () => {};
let updateCounter = () => {};
const thumbnails = [];

function newDraft() {
  return { id: store.newId(), officer_id: officerId, fields: emptyFields(), revision: 1, kind: 'new', errors: {} };
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

function say(text, kind = 'info') {
  notice.textContent = text;
  notice.className = `notice notice-${kind}`;
  notice.hidden = !text;
}

/** Autosave: writes are chained so that the last change always lands last. */
function saveDraft() {
  draft.fields = readFields();
  draft.mipyme_name = chosenName();
  const snapshot = { ...draft };
  saving = saving.then(() => store.saveDraft(snapshot)).then(() => {
    persisted = true;
    discardButton.hidden = false;
    draftStatus.textContent = t('draft_saved', { time: when(Date.now()) });
    form.dataset.draftSaved = String(Date.now());
  }).catch((error) => say(t('save_failed', { error: error.message }), 'error'));
  return saving;
}

function onEdit(event) {
  const name = event.target.name;
  if (event.type === 'input' && name && draft.errors?.[name]) { // the officer is fixing this field: its old error goes
    delete draft.errors[name];
    showErrors(form, draft.errors, Object.keys(draft.errors).length ? t('err_form_summary') : '');
  }
  saveDraft();
}

async function renderPhotos() {
  const list = form.querySelector('[data-photo-list]');
  thumbnails.splice(0).forEach((url) => URL.revokeObjectURL(url));
  const photos = await store.photosFor(draft.id);
  list.replaceChildren(...photos.map((photo, index) => {
    const item = document.createElement('li');
    const img = document.createElement('img');
    img.src = photoUrl(photo);
    thumbnails.push(img.src);
    img.alt = t('photo_alt', { n: index + 1 });
    img.width = 96;
    img.height = 96;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'button small danger';
    remove.textContent = t('photo_remove');
    remove.addEventListener('click', async () => { await store.deletePhoto(photo.id); renderPhotos(); });
    item.append(img, remove);
    return item;
  }));
  list.dataset.count = String(photos.length);
}

async function addPhotos(files) {
  const status = form.querySelector('[data-photo-status]');
  for (const file of files) {
    status.textContent = t('photo_processing');
    try {
      const image = await downscale(file);
      await saveDraft(); // a photo belongs to a draft that exists
      await store.addPhoto({ id: store.newId(), visit_id: draft.id, officer_id: officerId, taken_at: Date.now(), ...image });
      status.textContent = '';
    } catch {
      status.textContent = t('photo_failed');
    }
  }
  await renderPhotos();
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
  mipymeIds.add(id);
  form.elements.mipyme_id.add(new Option(next.mipyme_name, id));
}

const chosenName = () => {
  const picked = mipymes.find((m) => String(m.id) === String(form.elements.mipyme_id.value));
  return picked?.name || draft.mipyme_name || null;
};

async function load(next, message) {
  draft = next;
  keepMipyme(next);
  showTitle(next.kind);
  persisted = Boolean(next.updated_at);
  discardButton.hidden = !persisted;
  writeFields(next.fields);
  await questions.write(next.fields);
  clearErrors(form);
  // The notice above says why; the summary lists only errors that belong to no field.
  if (next.errors && Object.keys(next.errors).length) showErrors(form, next.errors, '');
  say(message || '', next.kind === 'new' ? 'info' : 'warn');
  draftStatus.textContent = persisted ? t('draft_saved', { time: when(next.updated_at) }) : '';
  await renderPhotos();
}

function messageFor(found) {
  if (found.kind === 'rejected') return t('draft_rejected');
  if (found.kind === 'returned') return t('draft_returned', { comment: found.review_comment || '—' });
  return t('draft_restored');
}

/** Open the draft named in ?draft=, else the officer's unfinished new visit, else a blank one.
 * ?mipyme_id= (the agenda's "Registrar visita") picks the Mipyme, unless the draft already names one:
 * what the officer typed always wins. */
async function open() {
  const query = new URLSearchParams(window.location.search);
  const wanted = query.get('draft');
  const drafts = await store.listDrafts(officerId);
  const found = (wanted && drafts.find((d) => d.id === wanted)) || drafts.find((d) => d.kind === 'new');
  const chosen = found || newDraft();
  const preset = query.get('mipyme_id');
  if (preset && !chosen.fields.mipyme_id && mipymeIds.has(preset)) {
    chosen.fields = { ...chosen.fields, mipyme_id: preset };
  }
  await load(chosen, found ? messageFor(found) : '');
  showWaitingRejections(drafts);
}

function showWaitingRejections(drafts) {
  const box = document.querySelector('[data-rejected-waiting]');
  const others = drafts.filter((d) => d.kind === 'rejected' && d.id !== draft.id);
  box.hidden = !others.length;
  if (!others.length) return;
  const link = document.createElement('a');
  link.href = `?draft=${encodeURIComponent(others[0].id)}`;
  link.textContent = t('fix_now');
  box.replaceChildren(`${tn('rejected_waiting', others.length)} `, link);
}

async function submit(event) {
  event.preventDefault();
  const fields = readFields();
  const errors = { ...validate(fields, mipymeIds, new Date(), dateRules), ...questions.errors() };
  if (Object.keys(errors).length) {
    const first = showErrors(form, errors, t('err_form_summary'));
    first?.focus();
    return;
  }
  await saving;
  const payload = { ...fieldsToPayload(draft.id, draft.revision, fields), ...questions.payload() };
  try {
    await store.queueVisit({ ...draft, fields, mipyme_name: chosenName() }, payload);
  } catch (error) {
    say(t('save_failed', { error: error.message }), 'error');
    return;
  }
  changed();
  await load(newDraft(), '');
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
  const waiting = (await store.listOutbox(officerId)).some((r) => r.id === visitId);
  const back = await store.getDraft(visitId);
  if (!waiting && !back) say(t('visit_sent'), 'ok');
  else if (waiting) say(t('visit_queued'), 'ok');
}

async function discard() {
  if (!window.confirm(t('discard_confirm'))) return;
  await saving;
  await store.discardDraft(draft.id);
  changed();
  await load(newDraft(), '');
}

if (form && officerId) {
  form.querySelector('[data-photos]').hidden = false;
  initPicker(form, mipymes);
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
  form.addEventListener('input', onEdit);
  form.addEventListener('change', onEdit);
  form.addEventListener('submit', submit);
  discardButton.addEventListener('click', discard);
  form.querySelector('[data-photo-input]').addEventListener('change', (event) => {
    const files = [...event.target.files];
    event.target.value = '';
    addPhotos(files);
  });
  notice.tabIndex = -1;
  open().then(() => { form.dataset.ready = 'true'; }, () => say(t('storage_unavailable'), 'error'));
}
