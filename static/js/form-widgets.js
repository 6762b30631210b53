// Small enhancements of the visit form: the searchable Mipyme picker, figures checked as they are left
// (and hidden when the draft's form version asks them itself), the notes counter, location capture, the address and read-only state of the draft shown, and errors
// shown beside their fields.
import { fold } from './fold.js';
import { embedded, find } from './forms/definitions.js';
import { t } from './i18n.js';
import { formatInteger } from './numbers.js';
import { serverLimits } from './limits.js';
import { NUMBER_FIELDS, figureError, readFigure } from './visit-data.js';

/** Filter the <select name=mipyme_id> by name or neighbourhood as the officer types. */
export function initPicker(form, mipymes, { mayChoose = () => true } = {}) {
  const box = form.querySelector('[data-picker-search]');
  const search = box?.querySelector('input');
  const select = form.elements.mipyme_id;
  const count = form.querySelector('[data-picker-count]');
  if (!box || !select) return;
  box.hidden = mipymes.length < 2;
  const placeholder = select.options[0]?.cloneNode(true);
  search.addEventListener('input', () => {
    const q = fold(search.value.trim());
    const current = select.value;
    const matches = mipymes.filter((m) => !q || fold(`${m.name} ${m.neighborhood}`).includes(q));
    const keep = matches.some((m) => String(m.id) === current) ? [] : mipymes.filter((m) => String(m.id) === current);
    select.replaceChildren(placeholder.cloneNode(true), ...[...keep, ...matches].map((m) => {
      const option = new Option(m.neighborhood ? `${m.name} · ${m.neighborhood}` : m.name, String(m.id));
      option.selected = String(m.id) === current;
      return option;
    }));
    count.textContent = matches.length ? t('matches', { count: matches.length }) : t('no_matches', { q: search.value });
    // One match is chosen for the officer, but only on a form with nothing typed yet: the form then
    // opens that Mipyme (its own draft if it has one) and no draft is created by the choice alone.
    if (matches.length === 1 && select.value !== String(matches[0].id) && mayChoose()) {
      select.value = String(matches[0].id);
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }
  });
}

/**
 * Figures are never rewritten while typed. When the officer leaves one, a whole number is shown back
 * with its thousands dots (4500000 → 4.500.000, the same number); anything else keeps what was typed
 * and `onInvalid(name, message)` puts the reason beside it.
 */
export function initNumbers(form, { onInvalid }) {
  for (const name of NUMBER_FIELDS) {
    const input = form.elements[name];
    input?.addEventListener('change', () => {
      const message = figureError(name, input.value);
      if (message) onInvalid(name, message);
      else formatNumbers(form, [name]);
    });
  }
}

/** Show the figures that read as whole numbers with thousands dots; leave the others as typed. */
export function formatNumbers(form, names = NUMBER_FIELDS) {
  for (const name of names) {
    const input = form.elements[name];
    const { value } = readFigure(name, input?.value ?? '');
    if (input && value != null) input.value = formatInteger(value);
  }
}

/**
 * One indicator is never asked twice on a visit: the built-in figures that the draft's form version asks
 * itself (its `replaced_figures`, where a question feeds the figure's indicator) are hidden, the others
 * shown. `versionId` is the draft's version (none: the current one, embedded in the page). The page comes
 * from the server already right for the current version; this follows a draft kept in another one.
 */
export async function showFigures(form, versionId) {
  const current = embedded();
  const definition = versionId == null || String(versionId) === String(current?.id) ? current : await find(versionId);
  const replaced = new Set(definition?.replaced_figures || []);
  const slots = [...form.querySelectorAll('[data-figure]')];
  for (const slot of slots) slot.hidden = replaced.has(slot.dataset.figure);
  const box = form.querySelector('[data-figures]');
  if (box) box.hidden = slots.every((slot) => slot.hidden);
  const note = form.querySelector('[data-figures-replaced]');
  if (note) note.hidden = !slots.some((slot) => slot.hidden);
}

/** "1.850 caracteres disponibles" under the notes. */
export function initCounter(form) {
  const notes = form.elements.notes;
  const hint = notes && document.getElementById(`${notes.id}-hint`);
  if (!hint) return () => {};
  const update = () => { hint.textContent = t('chars_left', { count: serverLimits().notes_max - notes.value.length }); };
  notes.addEventListener('input', update);
  return update;
}

/**
 * "Capturar ubicación": geolocation with the accuracy shown; never blocks saving. `onFix(location)`
 * receives {lat, lon, accuracy_m} or null; `draftId()` guards against a fix arriving after a save.
 */
export function initLocation(form, { onFix, draftId }) {
  const box = form.querySelector('[data-geo]');
  const capture = box.querySelector('[data-geo-capture]');
  const clear = box.querySelector('[data-geo-clear]');
  const status = box.querySelector('[data-geo-status]');
  box.hidden = false;
  capture.addEventListener('click', () => {
    if (!navigator.geolocation) { status.textContent = t('geo_unsupported'); return; }
    const askedFor = draftId();
    status.textContent = t('geo_waiting');
    capture.disabled = true;
    navigator.geolocation.getCurrentPosition((position) => {
      capture.disabled = false;
      if (draftId() !== askedFor) return;
      const { latitude, longitude, accuracy } = position.coords;
      onFix({ lat: Number(latitude.toFixed(6)), lon: Number(longitude.toFixed(6)), accuracy_m: Math.round(accuracy) });
    }, (error) => {
      capture.disabled = false;
      status.textContent = error.code === error.PERMISSION_DENIED ? t('geo_denied') : t('geo_failed');
    }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 });
  });
  clear.addEventListener('click', () => onFix(null));
  return function show(location) {
    for (const [name, key] of [['location_lat', 'lat'], ['location_lon', 'lon'], ['location_accuracy_m', 'accuracy_m']]) {
      if (form.elements[name]) form.elements[name].value = location ? String(location[key] ?? '') : '';
    }
    status.textContent = location ? t('geo_ok', { accuracy: location.accuracy_m ?? '?' }) : '';
    clear.hidden = !location;
  };
}

/** Keep the address on the draft shown, so that a reload reopens it. */
export function showDraftAddress(draft, persisted) {
  const url = new URL(window.location.href);
  url.search = '';
  if (draft.kind !== 'new' || (persisted && !draft.fields.mipyme_id)) url.searchParams.set('draft', draft.id);
  else if (draft.fields.mipyme_id) url.searchParams.set('mipyme_id', draft.fields.mipyme_id);
  window.history.replaceState(window.history.state, '', url);
}

/** A draft's Mipyme stays chosen, by its stored name, even when it is no longer in the officer's list
 * (reassigned after the visit): the server judges the visit at its own moment. */
export function keepMipyme(form, mipymes, mipymeIds, next) {
  const id = String(next.fields.mipyme_id || '');
  if (!id || mipymeIds.has(id) || !next.mipyme_name) return;
  mipymes.push({ id: Number(id), name: next.mipyme_name, neighborhood: '', sector: '' });
  mipymeIds.set(id, null); // its enrolment day is not on this page: the server checks it
  form.elements.mipyme_id.add(new Option(next.mipyme_name, id));
}

/** A tab that does not own the draft shows it read-only; the picker stays, to go to another Mipyme. */
export function setReadOnly(form, readOnly) {
  for (const element of form.elements) {
    if (element.name !== 'mipyme_id' && element.id !== 'mipyme_search') element.disabled = readOnly;
  }
  form.dataset.readOnly = String(readOnly);
}

/** Remove every error shown beside the fields. */
export function clearErrors(form) {
  form.querySelectorAll('.error:not([data-form-error])').forEach((node) => node.remove());
  form.querySelectorAll('.has-error').forEach((node) => node.classList.remove('has-error'));
  form.querySelectorAll('[aria-invalid]').forEach((node) => {
    node.removeAttribute('aria-invalid');
    node.removeAttribute('aria-describedby');
  });
  const summary = form.querySelector('[data-form-error]');
  summary.hidden = true;
  summary.textContent = '';
}

/** Show `errors` ({field: [messages]}, as the server answers) beside their fields; return the first field. */
export function showErrors(form, errors, summaryText) {
  clearErrors(form);
  const loose = [];
  let first = null;
  for (const [name, messages] of Object.entries(errors || {})) {
    const key = name.startsWith('answers.') ? name : name.split('.')[0]; // answers.<question> is its own field
    const text = [].concat(messages).join(' ');
    const input = key === 'location' ? form.querySelector('[data-geo-capture]') : form.querySelector(`[name="${key}"]:not([type=hidden])`);
    const container = input?.closest('.field');
    if (!container) { loose.push(text); continue; }
    const message = document.createElement('p');
    message.className = 'error';
    message.id = `${key}-error`;
    message.textContent = text;
    container.append(message);
    container.classList.add('has-error');
    for (const node of form.querySelectorAll(`[name="${key}"]`)) {
      node.setAttribute('aria-invalid', 'true');
      node.setAttribute('aria-describedby', message.id);
    }
    first ||= input;
  }
  const summary = form.querySelector('[data-form-error]');
  summary.textContent = [summaryText, ...loose].filter(Boolean).join(' ');
  summary.hidden = !summary.textContent;
  return first;
}
