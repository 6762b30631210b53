// The programme's questions drawn into a page, live: relevance shows and hides, calculates and notes
// update, a failed constraint shows its message beside the field. The verdict comes from validate.js,
// the same walk the server runs, so what this page lets through the server accepts.
import { parseDecimal, parseInteger } from '../numbers.js';
import { ANSWERED, isEmpty, message, walk } from './validate.js';
import { toText } from './xpath.js';

const fieldId = (name) => `q-${name}`;
const listening = new WeakMap(); // container → the AbortController of its current form's listeners
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

/** What the officer typed → the API value: {value}, or {error: true} when it does not read as its type.
 * Numbers are read as Colombia writes them, by the record's one parser (numbers.js). */
function parseRaw(question, raw) {
  if (question.type === 'select_multiple') return { value: Array.isArray(raw) ? [...raw] : [] };
  const text = raw == null ? '' : String(raw);
  if (text.trim() === '') return { value: null };
  const parser = { integer: parseInteger, decimal: parseDecimal }[question.type];
  if (!parser) return { value: text };
  const result = parser(text, { allowNegative: true }); // the form's constraint says if a sign is fine
  return result.error ? { error: true } : { value: result.value };
}

/** "Total: ${total}" with the current values (a Map name → value; numbers as Colombia writes them; NaN,
 * a sum of unanswered questions, as a dash rather than a word the officer cannot act on). */
function fill(template, values) {
  return String(template || '').replace(/\$\{([^}]+)\}/g, (_, name) => {
    const value = values.get(name.trim()) ?? '';
    if (value === 'NaN' || Number.isNaN(value)) return '—';
    const number = typeof value === 'number' ? value : (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : null);
    return number === null ? toText(value) : number.toLocaleString('es-CO', { maximumFractionDigits: 6 });
  });
}

/** A label (or legend) whose text may name other answers; a required question gets its mark. */
function labelText(question, tag, props) {
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

function choiceInputs(question, id, type) {
  return el('div', { className: 'choice-list' }, ...(question.choices || []).map((choice, index) => el('label',
    { className: 'check big-check' },
    el('input', { type, name: `answers.${question.name}`, value: choice.name, id: `${id}-${index}` }),
    ` ${choice.label}`)));
}

function input(question, id) {
  const props = { id, name: `answers.${question.name}` };
  if (question.type === 'integer') return el('input', { ...props, type: 'text', inputMode: 'numeric', autocomplete: 'off' });
  if (question.type === 'decimal') return el('input', { ...props, type: 'text', inputMode: 'decimal', autocomplete: 'off' });
  if (question.type === 'date') return el('input', { ...props, type: 'date' });
  return el('input', { ...props, type: 'text' });
}

/** One question's block (label, hint, inputs); groups are drawn by draw(). */
function questionBlock(question) {
  const id = fieldId(question.name);
  const hint = question.hint ? el('p', { className: 'hint', id: `${id}-hint` }) : null;
  if (hint) hint.dataset.template = question.hint;
  let block;
  if (question.type === 'select_one' || question.type === 'select_multiple') {
    block = el('fieldset', { className: 'field question' }, labelText(question, 'legend'), hint,
      choiceInputs(question, id, question.type === 'select_one' ? 'radio' : 'checkbox'));
  } else if (question.type === 'note') {
    block = el('div', { className: 'field question note' }, labelText(question, 'p', { className: 'note-text' }), hint);
  } else if (question.type === 'calculate') {
    block = el('div', { className: 'field question calculated' }, labelText(question, 'span', { className: 'label', id: `${id}-label` }),
      ' ', el('output', { id }));
    block.querySelector('output').setAttribute('aria-labelledby', `${id}-label`);
    if (!question.label) block.dataset.silent = 'true'; // a calculate without a label is only a value
  } else {
    block = el('div', { className: 'field question' }, labelText(question, 'label', { htmlFor: id }), hint, input(question, id));
  }
  block.dataset.question = question.name;
  for (const node of block.querySelectorAll('input')) {
    if (hint) node.setAttribute('aria-describedby', hint.id);
    if (question.required) node.setAttribute('aria-required', 'true');
  }
  return block;
}

/** Draw the questions into `container`; groups become headed sections (fieldset + legend). */
function draw(container, definition) {
  const stack = [container];
  for (const question of definition.questions || []) {
    const parent = stack[stack.length - 1];
    if (question.type === 'begin_group') {
      const section = el('fieldset', { className: 'form-group' }, labelText(question, 'legend'));
      section.dataset.group = question.name;
      parent.append(section);
      stack.push(section);
    } else if (question.type === 'end_group') {
      if (stack.length > 1) stack.pop();
    } else {
      parent.append(questionBlock(question));
    }
  }
}

/** A question's `default` as the officer would type it (the workbook writes 2.5, Colombia 2,5). */
function defaultRaw(question) {
  const value = question.default ?? '';
  return question.type === 'decimal' ? String(value).replace('.', ',') : value;
}

function writeRaw(container, question, raw) {
  const inputs = container.querySelectorAll(`[name="answers.${CSS.escape(question.name)}"]`);
  if (question.type === 'select_multiple' || question.type === 'select_one') {
    const chosen = new Set(Array.isArray(raw) ? raw : String(raw ?? '').split(' ').filter(Boolean));
    for (const box of inputs) box.checked = chosen.has(box.value);
  } else if (inputs[0]) {
    inputs[0].value = raw ?? '';
  }
}

function readRaw(container, question) {
  const inputs = [...container.querySelectorAll(`[name="answers.${CSS.escape(question.name)}"]`)];
  if (question.type === 'select_multiple') return inputs.filter((i) => i.checked).map((i) => i.value);
  if (question.type === 'select_one') return inputs.find((i) => i.checked)?.value ?? '';
  return inputs[0]?.value ?? '';
}

/** Show `text` (or nothing) beside question `name`, tied to its inputs for screen readers. */
function showError(block, name, text) {
  const errorId = `answers.${name}-error`; // the id form-widgets.js gives a server's error too
  block.querySelector(`#${CSS.escape(errorId)}`)?.remove();
  block.classList.toggle('has-error', Boolean(text));
  const hintId = block.querySelector('.hint')?.id;
  for (const node of block.querySelectorAll('input')) {
    if (text) node.setAttribute('aria-invalid', 'true');
    else node.removeAttribute('aria-invalid');
    const described = [hintId, text ? errorId : null].filter(Boolean).join(' ');
    if (described) node.setAttribute('aria-describedby', described);
    else node.removeAttribute('aria-describedby');
  }
  if (text) block.append(el('p', { className: 'error', id: errorId, textContent: text }));
}

/** Errors no answer field carries (the whole visit's size; a calculate or group whose expression could not
 * be computed) go above the questions: the save is refused for them too, so the officer must see them. */
function showFormErrors(container, definition, errors) {
  const answered = new Set((definition.questions || []).filter((q) => ANSWERED.has(q.type)).map((q) => `answers.${q.name}`));
  const texts = Object.entries(errors).filter(([key]) => !answered.has(key)).flatMap(([, list]) => list);
  container.querySelector(':scope > [data-form-errors]')?.remove();
  if (!texts.length) return;
  const box = el('div', { className: 'error', tabIndex: -1, role: 'alert' }, ...texts.map((text) => el('p', { textContent: text })));
  box.dataset.formErrors = 'true';
  container.prepend(box);
}

/**
 * Render `definition` into `container`. `raw` is what a draft kept (name → typed text), `today()`
 * the visit's day and `now()` its moment (what now() means in an expression, as on the server).
 * Returns the controller the officer's form and the preview use.
 */
export function renderForm(container, definition, { raw = {}, today, now = () => '' }) {
  listening.get(container)?.abort(); // a container shows one form at a time (a new draft redraws it)
  const listener = new AbortController();
  listening.set(container, listener);
  container.replaceChildren();
  if (definition.title) container.append(el('h2', { textContent: definition.title }));
  draw(container, definition);
  const questions = (definition.questions || []).filter((q) => ANSWERED.has(q.type));
  for (const q of questions) writeRaw(container, q, Object.hasOwn(raw, q.name) ? raw[q.name] : defaultRaw(q));
  const shown = new Set(); // questions whose live errors the officer has been shown

  function read() {
    return Object.fromEntries(questions.map((q) => [q.name, readRaw(container, q)]));
  }

  /** The walk over what is typed now; typing that does not read as its type is a type error. */
  function verdict() {
    const typed = Object.create(null); // question names are data: 'constructor' is one like any other
    const unreadable = new Map();
    const current = read();
    for (const q of questions) {
      const parsed = parseRaw(q, current[q.name]);
      if (parsed.error) unreadable.set(q.name, message(q.type === 'integer' ? 'form_integer' : 'form_decimal'));
      else if (!isEmpty(parsed.value)) typed[q.name] = parsed.value;
    }
    const result = walk(definition, typed, today(), now());
    for (const [name, text] of unreadable) {
      if (result.relevant.get(name)) result.errors[`answers.${name}`] = [text];
    }
    return result;
  }

  /** Redraw what depends on the answers; errors only for questions answered (or after a save try). */
  function refresh({ all = false } = {}) {
    const result = verdict();
    const current = read();
    for (const block of container.querySelectorAll('[data-question], [data-group]')) {
      const name = block.dataset.question || block.dataset.group;
      block.hidden = result.relevant.get(name) === false || block.dataset.silent === 'true';
    }
    for (const node of container.querySelectorAll('[data-template]')) {
      node.textContent = fill(node.dataset.template, result.values);
    }
    for (const q of definition.questions || []) {
      if (q.type === 'calculate') container.querySelector(`#${CSS.escape(fieldId(q.name))}`).value = fill(`\${${q.name}}`, result.values);
    }
    for (const q of questions) {
      if (all || !isEmpty(current[q.name])) shown.add(q.name);
      const block = container.querySelector(`[data-question="${CSS.escape(q.name)}"]`);
      const messages = shown.has(q.name) ? result.errors[`answers.${q.name}`] : null;
      showError(block, q.name, messages ? messages.join(' ') : '');
    }
    showFormErrors(container, definition, result.errors);
    return result;
  }

  container.addEventListener('input', () => refresh(), { signal: listener.signal });
  container.addEventListener('change', () => refresh(), { signal: listener.signal });
  refresh();
  return {
    definition,
    read,
    refresh,
    /** {answers, errors} as the server would judge them now; shows every error beside its field. */
    check() { return refresh({ all: true }); },
    /** The first field with an error shown, to move the focus to. */
    firstInvalid: () => container.querySelector('[aria-invalid=true], [data-form-errors]'),
  };
}
