// The Validation walk of the forms contract (COMMON.md), the same on the phone as on the server
// (fieldwork/forms/answers.py: validate_answers): what the phone accepts, the server accepts, with the
// same message under the same key. Pure: no DOM, no storage.
import { t } from '../i18n.js';
import { evaluate, toBoolean, toText } from './xpath.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_TEXT = 2000;
const ANSWERED = new Set(['text', 'integer', 'decimal', 'date', 'select_one', 'select_multiple']);

// Spanish source text (the server's words); the page's message table translates it.
const MESSAGES = {
  form_required: 'Esta pregunta es obligatoria.',
  form_constraint: 'La respuesta no cumple la condición de esta pregunta.',
  form_integer: 'Escriba un número entero.',
  form_decimal: 'Escriba un número.',
  form_choice: 'Elija una de las opciones de la lista.',
  form_date: 'Escriba una fecha AAAA-MM-DD.',
  form_text: 'Escriba un texto.',
  form_text_too_long: 'El texto admite hasta %(max)s caracteres.',
  form_unknown: 'Esta pregunta no existe en el formulario.',
  form_not_object: 'Las respuestas deben ser un objeto {pregunta: valor}.',
  form_required_mark: 'obligatoria',
};

/** The message `key` in the page's language (its Spanish source when the page has no table). */
export function message(key, vars = {}) {
  const text = t(key, vars);
  return text === key ? MESSAGES[key].replace(/%\((\w+)\)s/g, (_, name) => String(vars[name] ?? '')) : text;
}

export const isEmpty = (value) => value === undefined || value === null || value === '' ||
  (Array.isArray(value) && value.length === 0);

const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

function isCalendarDate(text) {
  if (typeof text !== 'string' || !DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** An answer in its stored type: {value}, or {error} with the contract's message. */
const CONVERSIONS = {
  integer: (raw) => (isNumber(raw) && Number.isInteger(raw) && Math.abs(raw) < 2 ** 53
    ? { value: raw } : { error: message('form_integer') }),
  decimal: (raw) => (isNumber(raw) ? { value: raw } : { error: message('form_decimal') }),
  date: (raw) => (isCalendarDate(raw) ? { value: raw } : { error: message('form_date') }),
  select_one: (raw, names) => (typeof raw === 'string' && names.includes(raw)
    ? { value: raw } : { error: message('form_choice') }),
  // Kept in the form's order, each choice once: one spelling per answer, as the server stores it.
  select_multiple: (raw, names) => (Array.isArray(raw) && raw.every((v) => typeof v === 'string' && names.includes(v))
    ? { value: names.filter((n) => raw.includes(n)) } : { error: message('form_choice') }),
  text: (raw) => {
    if (typeof raw !== 'string') return { error: message('form_text') };
    const text = raw.trim();
    return [...text].length > MAX_TEXT ? { error: message('form_text_too_long', { max: MAX_TEXT }) } : { value: text };
  },
};

/** A reference's value: numbers for integer/decimal, a select_multiple's names joined by one space. */
function xpathValue(question, value) {
  if (question.type === 'select_multiple') return value.join(' ');
  return value;
}

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The contract's walk over `definition`'s questions with `answers` ({name: value}, as the API carries
 * them) on the visit's day `today`. Returns {answers (what the server keeps: relevant, valid answers and
 * the calculates, computed), errors ({"answers.<name>": [message]}), relevant (name → bool), values
 * (name → what later expressions read)}. Step for step fieldwork/forms/answers.py's validate_answers.
 */
export function walk(definition, answers, today) {
  const questions = (definition?.questions || []).filter((q) => q.type !== 'begin_group' && q.type !== 'end_group');
  const byName = Object.fromEntries(questions.map((q) => [q.name, q]));
  const errors = {};
  const typed = {};
  if (answers != null && !isPlainObject(answers)) {
    return { answers: {}, errors: { answers: [message('form_not_object')] }, relevant: {}, values: {} };
  }
  // Types first, whatever the relevance: a wrong value is wrong even where it will be dropped.
  for (const [name, raw] of Object.entries(answers || {})) {
    const question = Object.hasOwn(byName, name) ? byName[name] : null;
    if (!question || question.type === 'note') errors[`answers.${name}`] = [message('form_unknown')];
    else if (question.type === 'calculate' || isEmpty(raw)) continue; // a calculate is computed, not taken
    else {
      const converted = CONVERSIONS[question.type](raw, (question.choices || []).map((c) => c.name));
      if (converted.error) errors[`answers.${name}`] = [converted.error];
      else if (converted.value !== '') typed[name] = converted.value; // blank text is unanswered
    }
  }
  const values = Object.fromEntries(Object.entries(typed).map(([name, value]) => [name, xpathValue(byName[name], value)]));
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
    if (type === 'begin_group') { groups.push(here); continue; }
    if (!here) { values[name] = ''; continue; } // later expressions read a hidden question as unanswered
    if (type === 'calculate') {
      values[name] = toText(evaluate(ast.calculation, context('')));
      clean[name] = values[name];
    } else if (ANSWERED.has(type) && !errors[`answers.${name}`]) {
      const wrong = answerError(item, typed, values, context);
      if (wrong) errors[`answers.${name}`] = [wrong];
      else if (Object.hasOwn(typed, name)) clean[name] = typed[name];
    }
  }
  return { answers: clean, errors, relevant, values };
}

function answerError(question, typed, values, context) {
  if (!Object.hasOwn(typed, question.name)) {
    return question.required ? question.required_message || message('form_required') : null;
  }
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
