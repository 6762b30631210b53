// One question drawn on the page (label, hint, inputs) and how its inputs are read and written. A question
// inside a repeat is drawn once per instance: its inputs are named `answers.<path>` (`answers.productos[2].unidades`),
// so each instance's radio buttons are a group of their own and a server's error finds its field.
import { message } from './validate.js';
import { GROUPED, WIDGET_TYPES } from './widget-types.js';

let widgets = null; // forms/widgets.js once loadWidgets() fetched it

/** Fetch forms/widgets.js (and its geopoint, rank, range… modules) if `questions` (flat) have a widget type:
 * questionBlock() then draws them. Fetched once; the service worker holds it offline like every module. */
export async function loadWidgets(questions) {
  if (!widgets && questions.some((q) => WIDGET_TYPES.has(q.type))) widgets = await import('./widgets.js');
}

export const fieldId = (path) => `q-${path}`;

export const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

/** A label (or legend) whose text may name other answers; a required question gets its mark. */
export function labelText(question, tag, props) {
  const text = el('span');
  text.dataset.template = question.label || question.name;
  const node = el(tag, props, text);
  if (question.required) {
    // Sighted people see the star (its title on hover); screen readers hear aria-required on the input.
    const mark = el('abbr', { className: 'required-mark', title: message('form_required_mark'), textContent: '*' });
    mark.setAttribute('aria-hidden', 'true');
    node.append(' ', mark);
  }
  return node;
}

function choiceInputs(question, id, name, type) {
  return el('div', { className: 'choice-list' }, ...(question.choices || []).map((choice, index) => {
    const label = el('label', { className: 'check big-check' },
      el('input', { type, name, value: choice.name, id: `${id}-${index}` }), ` ${choice.label}`);
    label.dataset.choice = choice.name; // a choice_filter hides the choices its walk leaves out
    return label;
  }));
}

function input(question, id, name) {
  const props = { id, name };
  if (question.type === 'integer') return el('input', { ...props, type: 'text', inputMode: 'numeric', autocomplete: 'off' });
  if (question.type === 'decimal') return el('input', { ...props, type: 'text', inputMode: 'decimal', autocomplete: 'off' });
  if (question.type === 'date') return el('input', { ...props, type: 'date' });
  return el('input', { ...props, type: 'text' });
}

/** The reader and writer of a select's or a plain input's typed text. */
function plainIO(question, inputs) {
  if (question.type === 'select_multiple' || question.type === 'select_one') {
    return {
      read: () => (question.type === 'select_multiple' ? inputs.filter((i) => i.checked).map((i) => i.value)
        : inputs.find((i) => i.checked)?.value ?? ''),
      write(raw) {
        const chosen = new Set(Array.isArray(raw) ? raw : String(raw ?? '').split(' ').filter(Boolean));
        for (const box of inputs) box.checked = chosen.has(box.value);
      },
      focus: () => inputs[0]?.focus(),
    };
  }
  return {
    read: () => inputs[0]?.value ?? '',
    write(raw) { if (inputs[0]) inputs[0].value = raw ?? ''; },
    focus: () => inputs[0]?.focus(),
  };
}

/**
 * Question `question` at `path`: {block, read(), write(raw), focus(), widget?}. The newer types are drawn by
 * forms/widgets.js; their read() gives {value} or {error: true}, their write() takes the API's value.
 */
export function questionBlock(question, path, { language = 'es' } = {}) {
  const id = fieldId(path);
  const name = `answers.${path}`;
  const hint = question.hint ? el('p', { className: 'hint', id: `${id}-hint` }) : null;
  if (hint) hint.dataset.template = question.hint;
  let block;
  let io = null;
  if (WIDGET_TYPES.has(question.type)) {
    if (!widgets) throw new Error(`loadWidgets() before drawing a ${question.type} question`);
    const widget = widgets.widget(question, { id, name, language });
    // A widget of several controls is named by its legend (as a select); one control by <label for>.
    block = GROUPED.has(question.type)
      ? el('fieldset', { className: 'field question' }, labelText(question, 'legend'), hint, widget.node)
      : el('div', { className: 'field question' }, labelText(question, 'label', { htmlFor: id }), hint, widget.node);
    io = { read: () => widget.read(), write: (value) => widget.write(value), focus: () => widget.focus(), widget: true };
  } else if (question.type === 'select_one' || question.type === 'select_multiple') {
    block = el('fieldset', { className: 'field question' }, labelText(question, 'legend'), hint,
      choiceInputs(question, id, name, question.type === 'select_one' ? 'radio' : 'checkbox'));
  } else if (question.type === 'note') {
    block = el('div', { className: 'field question note' }, labelText(question, 'p', { className: 'note-text' }), hint);
  } else if (question.type === 'calculate') {
    block = el('div', { className: 'field question calculated' }, labelText(question, 'span', { className: 'label', id: `${id}-label` }),
      ' ', el('output', { id }));
    block.querySelector('output').setAttribute('aria-labelledby', `${id}-label`);
    if (!question.label) block.dataset.silent = 'true'; // a calculate without a label is only a value
  } else {
    block = el('div', { className: 'field question' }, labelText(question, 'label', { htmlFor: id }), hint, input(question, id, name));
  }
  block.dataset.question = question.name;
  block.dataset.path = path;
  const inputs = [...block.querySelectorAll('input')];
  for (const node of inputs) {
    if (hint) node.setAttribute('aria-describedby', hint.id);
    if (question.required) node.setAttribute('aria-required', 'true');
  }
  return { block, ...(io || plainIO(question, inputs)) };
}

/** Show `text` (or nothing) beside the question at `path`, tied to its inputs for screen readers. */
export function showError(block, path, text) {
  const errorId = `answers.${path}-error`; // the id form-widgets.js gives a server's error too
  const old = block.querySelector(`:scope > #${CSS.escape(errorId)}`);
  if ((old?.textContent || '') === text && !block.querySelector(`:scope > .error:not(#${CSS.escape(errorId)})`)) return;
  block.querySelectorAll(':scope > .error').forEach((node) => node.remove()); // a server's error of this field too
  block.classList.toggle('has-error', Boolean(text));
  const hintId = block.querySelector(':scope > .hint')?.id;
  for (const node of block.querySelectorAll('input, select, textarea')) {
    if (text) node.setAttribute('aria-invalid', 'true');
    else node.removeAttribute('aria-invalid');
    const described = [hintId, text ? errorId : null].filter(Boolean).join(' ');
    if (described) node.setAttribute('aria-describedby', described);
    else node.removeAttribute('aria-describedby');
  }
  if (text) block.append(el('p', { className: 'error', id: errorId, textContent: text }));
}

/** The questions (of `entries`, path → its block's entry) whose error must be drawn again though the verdict
 * kept it: someone else's error (the server's, a draft's) sits in their block, or their own was cleared
 * (visit-form.js clearErrors). One scan of the errors shown, not a question per block. */
export function errorsToRedraw(container, entries) {
  const redraw = new Set();
  const intact = new Set();
  for (const node of container.querySelectorAll('.error')) {
    const path = node.closest('[data-path]')?.dataset.path;
    const entry = path !== undefined && entries.get(path);
    if (!entry) continue;
    if (node.id === `answers.${path}-error` && node.textContent === entry.shownError) intact.add(path);
    else redraw.add(path);
  }
  for (const [path, entry] of entries) if (entry.shownError && !intact.has(path)) redraw.add(path);
  return redraw;
}

/** Errors no field carries (`placed(key)` false: the visit's size, an expression that could not be computed)
 * go above the questions: the save is refused for them too, so the officer must see them. */
export function showFormErrors(container, errors, placed) {
  const texts = Object.entries(errors).filter(([key]) => !placed(key)).flatMap(([, list]) => list);
  const old = container.querySelector(':scope > [data-form-errors]');
  if (old && old.textContent === texts.join('')) return;
  old?.remove();
  if (!texts.length) return;
  const box = el('div', { className: 'error', tabIndex: -1, role: 'alert' }, ...texts.map((text) => el('p', { textContent: text })));
  box.dataset.formErrors = 'true';
  container.prepend(box);
}
