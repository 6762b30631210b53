// The Validation walk of the forms contract (COMMON.md), the same on the phone as on the server
// (fieldwork/forms/answers.py: validate_answers): what the phone accepts, the server accepts, with the
// same message under the same key. Pure: no DOM, no storage.
import { t } from '../i18n.js';
import { evaluate, toBoolean, toText } from './xpath.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const ANSWERED = new Set(['text', 'integer', 'decimal', 'date', 'select_one', 'select_multiple']);

// Spanish source text (the server's words); the page's message table translates it.
const MESSAGES = {
  form_required: 'Esta pregunta es obligatoria.',
  form_constraint: 'La respuesta no cumple la condición de esta pregunta.',
  form_integer: 'Escriba un número entero.',
  form_decimal: 'Escriba un número.',
  form_choice: 'Elija una de las opciones de la lista.',
  form_date: 'Escriba una fecha AAAA-MM-DD.',
  form_text: 'Escriba un texto.',
  form_unknown: 'Esta pregunta no existe en el formulario.',
  form_not_object: 'Las respuestas deben ser un objeto {pregunta: valor}.',
  form_required_mark: 'obligatoria',
};

/** The message `key` in the page's language (its Spanish source when the page has no table). */
export function message(key) {
  const text = t(key);
  return text === key ? MESSAGES[key] : text;
}

export const isEmpty = (value) => value === undefined || value === null || value === '' ||
  (Array.isArray(value) && value.length === 0);

const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

function isCalendarDate(text) {
  if (typeof text !== 'string' || !DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Whether an answer fits its question's type: null when it does, else the contract's message. */
const TYPE_ERRORS = {
  integer: (raw) => (isNumber(raw) && Number.isInteger(raw) && Math.abs(raw) < 2 ** 53 ? null : message('form_integer')),
  decimal: (raw) => (isNumber(raw) ? null : message('form_decimal')),
  date: (raw) => (isCalendarDate(raw) ? null : message('form_date')),
  select_one: (raw, names) => (typeof raw === 'string' && names.includes(raw) ? null : message('form_choice')),
  select_multiple: (raw, names) => (Array.isArray(raw) && raw.every((v) => typeof v === 'string' && names.includes(v))
    ? null : message('form_choice')),
  text: (raw) => (typeof raw === 'string' ? null : message('form_text')), // kept as typed, spaces included
};

/** A reference's value: numbers for integer/decimal, a select_multiple's names joined by one space. */
const xpathValue = (question, value) => (question.type === 'select_multiple' ? value.join(' ') : value);

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The contract's walk over `definition`'s questions with `answers` ({name: value}, as the API carries
 * them) on the visit's day `today`, step for step fieldwork/forms/answers.py's validate_answers.
 * Returns {answers (what the server keeps: relevant, valid answers and the non-empty calculates),
 * errors ({"answers.<name>": [message]}), relevant (name → bool), values (what expressions read)}.
 */
export function walk(definition, answers, today) {
  if (answers != null && !isPlainObject(answers)) {
    return { answers: {}, errors: { answers: [message('form_not_object')] }, relevant: {}, values: {} };
  }
  const given = answers || {};
  const byName = Object.fromEntries((definition?.questions || [])
    .filter((q) => q.type !== 'begin_group' && q.type !== 'end_group').map((q) => [q.name, q]));
  const errors = {};
  const typed = {}; // name → {value, problem}, for every non-empty answer to a question one answers
  for (const [name, raw] of Object.entries(given)) {
    const question = Object.hasOwn(byName, name) ? byName[name] : null;
    if (!question || question.type === 'note') errors[`answers.${name}`] = [message('form_unknown')];
    else if (ANSWERED.has(question.type) && !isEmpty(raw)) {
      typed[name] = { value: raw, problem: TYPE_ERRORS[question.type](raw, (question.choices || []).map((c) => c.name)) };
    }
  }
  // Expressions read the answers that fit their type (a calculate is computed here, whatever was sent).
  const values = {};
  for (const [name, { value, problem }] of Object.entries(typed)) if (!problem) values[name] = xpathValue(byName[name], value);
  const context = (self) => ({ value: (name) => values[name] ?? '', self, today });
  const clean = {};
  const relevant = {};
  const groups = [];
  for (const item of definition?.questions || []) {
    const { type, name } = item;
    const ast = item.ast || {};
    if (type === 'end_group') { groups.pop(); continue; }
    const here = groups.every(Boolean) && (!ast.relevant || toBoolean(evaluate(ast.relevant, context(''))));
    relevant[name] = here;
    if (type === 'begin_group') groups.push(here);
    else if (!here) values[name] = ''; // later expressions read it unanswered; its answer, even a malformed one, is dropped
    else if (type === 'calculate') {
      values[name] = toText(evaluate(ast.calculation, context('')));
      if (values[name] !== '') clean[name] = values[name];
    } else if (ANSWERED.has(type)) {
      const wrong = answerError(item, typed[name], values, context);
      if (wrong) errors[`answers.${name}`] = [wrong];
      else if (typed[name]) clean[name] = typed[name].value;
    }
  }
  return { answers: clean, errors, relevant, values };
}

/** required, then the type, then the constraint: the first that fails. */
function answerError(question, typed, values, context) {
  if (!typed) return question.required ? question.required_message || message('form_required') : null;
  if (typed.problem) return typed.problem;
  const constraint = question.ast?.constraint;
  if (constraint && !toBoolean(evaluate(constraint, context(values[question.name])))) {
    return question.constraint_message || message('form_constraint');
  }
  return null;
}

/** The server's verdict, on the phone: {answers (what it keeps), errors}. */
export function validateAnswers(definition, answers, today) {
  const { answers: clean, errors } = walk(definition, answers, today);
  return { answers: clean, errors };
}
