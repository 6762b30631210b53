// Each answered type's shape (API.md, "Forms"): whether an answer fits its question, the contract's
// message when it does not, and the value expressions read. The server's twin is
// fieldwork/forms/answer_types.py (messages: fieldwork/forms/messages.py). Pure: no DOM, no storage.
import { t } from '../i18n.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_NUMBER = 1e15;
export const MAX_TEXT_CHARS = 10000;
export const MAX_ANSWERS_BYTES = 256 * 1024;
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
  form_too_long: 'La respuesta es demasiado larga: escriba como máximo 10.000 caracteres.',
  form_too_large: 'Las respuestas de esta visita pasan de 256 KB: acorte los textos más largos.',
  form_budget: 'Calcular el formulario con estas respuestas tomaría demasiado trabajo: acorte los textos '
    + 'o pida a su supervisor que simplifique las condiciones del formulario.',
  form_invalid: 'Esta parte del formulario no se puede calcular con estas respuestas: revise lo que '
    + 'escribió o avise a su supervisor.',
  form_calculation_too_long: 'El cálculo de esta pregunta da un texto de más de 10.000 caracteres: acorte '
    + 'las respuestas de las que depende.',
  form_required_mark: 'obligatoria',
};

/** The message `key` in the page's language (its Spanish source when the page has no table). */
export function message(key) {
  const text = t(key);
  return text === key ? MESSAGES[key] : text;
}

export const isEmpty = (value) => value === undefined || value === null || value === '' ||
  (Array.isArray(value) && value.length === 0);

/** A finite number within ±10^15 (beyond is refused like any wrong type, API.md). */
const isNumber = (value) => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_NUMBER;

/** Code points, as the server's len() counts them. */
export const characters = (text) => {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
};

/** The UTF-8 bytes of the JSON the phone sends (the server measures the same, answer_limits.json_size). */
export const jsonSize = (value) => new TextEncoder().encode(JSON.stringify(value)).length;

function isCalendarDate(text) {
  if (typeof text !== 'string' || !DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Whether an answer fits its question's type: null when it does, else the contract's message. */
export const TYPE_ERRORS = {
  integer: (raw) => (isNumber(raw) && Number.isInteger(raw) ? null : message('form_integer')),
  decimal: (raw) => (isNumber(raw) ? null : message('form_decimal')),
  date: (raw) => (isCalendarDate(raw) ? null : message('form_date')),
  select_one: (raw, names) => (typeof raw === 'string' && names.includes(raw) ? null : message('form_choice')),
  select_multiple: (raw, names) => (Array.isArray(raw) && raw.every((v) => typeof v === 'string' && names.includes(v))
    ? null : message('form_choice')),
  text: (raw) => {
    if (typeof raw !== 'string') return message('form_text');
    return characters(raw) > MAX_TEXT_CHARS ? message('form_too_long') : null; // kept as typed, spaces included
  },
};

/** A reference's value: numbers for integer/decimal, a select_multiple's names joined by one space. */
export const xpathValue = (question, value) => (question.type === 'select_multiple' ? value.join(' ') : value);

