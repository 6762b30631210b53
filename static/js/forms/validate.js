// The Validation walk of the forms contract (COMMON.md), the same on the phone as on the server
// (fieldwork/forms/answers.py: validate_answers): what the phone accepts, the server accepts, with the
// same message under the same key. Pure: no DOM, no storage.
import { t } from '../i18n.js';
import { evaluate, toBoolean, toText } from './xpath.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const GROUP_START = 'begin_group';
const GROUP_END = 'end_group';
const NO_ANSWER = new Set(['note', 'calculate', GROUP_START, GROUP_END]);

// Spanish source text (the server's words); the page's message table translates it.
const MESSAGES = {
  form_required: 'Esta pregunta es obligatoria.',
  form_constraint: 'La respuesta no cumple la condición de esta pregunta.',
  form_integer: 'Escriba un número entero.',
  form_decimal: 'Escriba un número.',
  form_choice: 'Elija una de las opciones de la lista.',
  form_date: 'Escriba una fecha AAAA-MM-DD.',
  form_unknown: 'Esta pregunta no existe en el formulario.',
  form_text: 'Escriba un texto.',
  form_required_mark: 'obligatoria',
};

/** The message `key` in the page's language (its Spanish source when the page has no table). */
export function message(key) {
  const text = t(key);
  return text === key ? MESSAGES[key] : text;
}

export const isEmpty = (value) => value === undefined || value === null || value === '' ||
  (Array.isArray(value) && value.length === 0);

function isCalendarDate(text) {
  if (typeof text !== 'string' || !DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** The type error of an answered question's `value`, or null when the value fits its type. */
export function typeError(question, value) {
  const names = (question.choices || []).map((c) => c.name);
  switch (question.type) {
    case 'integer': return Number.isInteger(value) ? null : message('form_integer');
    case 'decimal': return typeof value === 'number' && Number.isFinite(value) ? null : message('form_decimal');
    case 'date': return isCalendarDate(value) ? null : message('form_date');
    case 'select_one': return typeof value === 'string' && names.includes(value) ? null : message('form_choice');
    case 'select_multiple':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && names.includes(v))
        ? null : message('form_choice');
    case 'text': return typeof value === 'string' ? null : message('form_text');
    default: return message('form_unknown');
  }
}

/** An answer as an XPath value: numbers stay numbers, a select_multiple is its names joined by a space. */
function xpathValue(question, value) {
  if (Array.isArray(value)) return value.join(' ');
  return typeof value === 'number' ? value : String(value);
}

const truthy = (ast, context) => (ast ? toBoolean(evaluate(ast, context)) : true);

/**
 * Walk `definition`'s questions in order over `answers` ({name: typed value}, as the API carries
 * them) on the visit's day `today`. Returns {answers (only relevant, valid answers, with calculates
 * recomputed as strings), errors ({"answers.<name>": [message]}), relevant (name → bool), values
 * (name → XPath value, what later expressions saw)}.
 */
export function walk(definition, answers, today) {
  const questions = definition?.questions || [];
  const errors = {};
  const clean = {};
  const relevant = {};
  const values = {};
  const fail = (name, text) => { (errors[`answers.${name}`] ||= []).push(text); };
  const known = new Set(questions.filter((q) => !NO_ANSWER.has(q.type)).map((q) => q.name));
  for (const name of Object.keys(answers || {})) if (!known.has(name)) fail(name, message('form_unknown'));

  const typed = {};
  for (const q of questions) {
    if (!known.has(q.name) || isEmpty(answers?.[q.name])) continue;
    if (!typeError(q, answers[q.name])) typed[q.name] = xpathValue(q, answers[q.name]);
  }
  // What an expression sees: a valid answer until the walk finds its question not relevant.
  Object.assign(values, typed);
  const context = (self) => ({ value: (name) => values[name] ?? '', self, today });

  const groups = [true];
  for (const q of questions) {
    const ast = q.ast || {};
    if (q.type === GROUP_END) { if (groups.length > 1) groups.pop(); continue; }
    const here = groups[groups.length - 1] && truthy(ast.relevant, context(''));
    if (q.type === GROUP_START) { groups.push(here); relevant[q.name] = here; continue; }
    relevant[q.name] = here;
    if (q.type === 'calculate') {
      values[q.name] = here && ast.calculation ? toText(evaluate(ast.calculation, context(''))) : '';
      if (values[q.name] !== '') clean[q.name] = values[q.name];
      continue;
    }
    if (!here) { values[q.name] = ''; continue; }
    if (q.type === 'note') continue;
    const value = answers?.[q.name];
    if (isEmpty(value)) {
      if (q.required) fail(q.name, q.required_message || message('form_required'));
      continue;
    }
    const wrong = typeError(q, value);
    if (wrong) { fail(q.name, wrong); continue; }
    if (ast.constraint && !toBoolean(evaluate(ast.constraint, context(values[q.name])))) {
      fail(q.name, q.constraint_message || message('form_constraint'));
      continue;
    }
    clean[q.name] = value;
  }
  return { answers: clean, errors, relevant, values };
}

/** The server's verdict, on the phone: {answers (clean), errors}. */
export function validateAnswers(definition, answers, today) {
  const { answers: clean, errors } = walk(definition, answers, today);
  return { answers: clean, errors };
}
