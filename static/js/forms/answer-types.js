// Each answered type's shape (API.md, "Forms"; forms-v3-spec §2): whether an answer fits its question, the
// contract's message when it does not, and the value expressions read. The server's twin is
// fieldwork/forms/answer_types.py (messages: fieldwork/forms/messages.py). Pure: no DOM, no storage.
import { t } from '../i18n.js';
import { isNumber, isPoint, isShape, isTrace, lineText, pointText } from './answer-places.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK = '([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{3})?';
const TIME = new RegExp(`^${CLOCK}$`);
const DATE_TIME = new RegExp(`^(\\d{4}-\\d{2}-\\d{2})T${CLOCK}(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$`);
const PHOTO_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// The phone fills username from the officer's account: no account name is longer.
const MAX_USERNAME_CHARS = 200;
// ODK's range when the form's parameters leave one out.
const RANGE_DEFAULTS = { start: 1, end: 10, step: 1 };
const RANGE_TOLERANCE = 1e-9;
export const MAX_TEXT_CHARS = 10000;
export const MAX_ANSWERS_BYTES = 256 * 1024;

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
  form_time: 'Escriba una hora HH:MM, entre 00:00 y 23:59.',
  form_datetime: 'Escriba la fecha y la hora: AAAA-MM-DD y HH:MM.',
  form_geopoint: 'Tome la ubicación con el GPS o escríbala: latitud entre -90 y 90, longitud entre -180 y 180.',
  form_geotrace: 'Marque el recorrido con el GPS: de 2 a 1.000 puntos, cada uno con latitud entre -90 y 90 y '
    + 'longitud entre -180 y 180.',
  form_geoshape: 'Marque el área con el GPS: de 4 a 1.000 puntos, el último en el mismo lugar que el primero '
    + 'para cerrarla.',
  form_image: 'Tome la foto de nuevo o elija otra: esta no se pudo guardar.',
  form_acknowledge: 'Marque la casilla para confirmar.',
  form_range: 'Elija un número entre %(start)s y %(end)s, de %(step)s en %(step)s.',
  form_rank: 'Ordene todas las opciones de la lista, cada una una sola vez.',
  form_repeat_list: 'Las respuestas de esta sección que se repite deben ser una lista de objetos {pregunta: valor}.',
  form_repeat_count: 'Esta sección debe repetirse las veces que indica el formulario: agregue o quite '
    + 'repeticiones hasta completarlas.',
  form_repeat_too_many: 'Esta sección se repite más de 200 veces: quite las repeticiones que sobran.',
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

/** The message `key` in the page's language (its Spanish source when the page has no table), its
 * %(name)s placeholders filled from `vars` as i18n.js's t() fills them. */
export function message(key, vars = {}) {
  const text = t(key, vars);
  return text === key ? (MESSAGES[key] ?? key).replace(/%\((\w+)\)s/g, (_, name) => String(vars[name] ?? '')) : text;
}

export const isEmpty = (value) => value === undefined || value === null || value === '' ||
  (Array.isArray(value) && value.length === 0);

/** Code points, as the server's len() counts them. */
export const characters = (text) => {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
};

/** The UTF-8 bytes of the JSON the phone sends (the server measures the same, answer_limits.json_size). */
export const jsonSize = (value) => new TextEncoder().encode(JSON.stringify(value)).length;

const isLeap = (year) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** "YYYY-MM-DD", a day that exists (year 1 to 9999, as both sides' calendars hold). */
export function isCalendarDate(text) {
  const parts = typeof text === 'string' && DATE.exec(text);
  if (!parts) return false;
  const [year, month, day] = parts.slice(1).map(Number);
  if (year < 1 || month < 1 || month > 12) return false;
  return day >= 1 && day <= (month === 2 && isLeap(year) ? 29 : DAYS[month - 1]);
}

const isTime = (raw) => typeof raw === 'string' && TIME.test(raw);

/** ISO 8601 with seconds and an offset: a moment anyone can place, wherever the phone was. */
function isDateTime(raw) {
  const parts = typeof raw === 'string' && DATE_TIME.exec(raw);
  return Boolean(parts) && isCalendarDate(parts[1]);
}

/** start, end and step as numbers: ODK's default for any the form leaves out (or that is no number). */
export function rangeParameters(question) {
  const given = question?.parameters || {};
  return Object.fromEntries(Object.entries(RANGE_DEFAULTS)
    .map(([key, fallback]) => [key, isNumber(given[key]) ? given[key] : fallback]));
}

function onStep(offset, step) {
  if (step === 0) return Math.abs(offset) <= RANGE_TOLERANCE; // a form's range of one value
  const steps = offset / step;
  return Math.abs(steps - Math.round(steps)) <= RANGE_TOLERANCE;
}

/** Between start and end, either order, on a step from start (1e-9 either way: a widget's start + i × step
 * is a float); an integer when the range is all integers. */
function rangeError(raw, question) {
  const { start, end, step } = rangeParameters(question);
  const whole = [start, end, step].every(Number.isInteger);
  const fits = isNumber(raw) && raw >= Math.min(start, end) - RANGE_TOLERANCE
    && raw <= Math.max(start, end) + RANGE_TOLERANCE && (!whole || Number.isInteger(raw))
    && onStep(raw - start, Math.abs(step));
  return fits ? null : message('form_range', { start, end, step: Math.abs(step) });
}

const isNames = (raw) => Array.isArray(raw) && raw.every((v) => typeof v === 'string');
/** A type whose answer fits when `fits` says it has the type's shape. */
const shape = (fits, key) => (raw) => (fits(raw) ? null : message(key));

/** Whether an answer fits its question's type: null when it does, else the contract's message.
 * Called (raw, choice names, question). */
export const TYPE_ERRORS = {
  integer: shape((raw) => isNumber(raw) && Number.isInteger(raw), 'form_integer'),
  decimal: shape(isNumber, 'form_decimal'),
  range: (raw, names, question) => rangeError(raw, question),
  date: shape(isCalendarDate, 'form_date'),
  time: shape(isTime, 'form_time'),
  dateTime: shape(isDateTime, 'form_datetime'),
  select_one: (raw, names) => (typeof raw === 'string' && names.includes(raw) ? null : message('form_choice')),
  select_multiple: (raw, names) => (isNames(raw) && raw.every((v) => names.includes(v))
    ? null : message('form_choice')),
  // Every choice exactly once, in the officer's order.
  rank: (raw, names) => (isNames(raw) && new Set(raw).size === raw.length && raw.every((v) => names.includes(v))
    && names.every((v) => raw.includes(v)) ? null : message('form_rank')),
  text: (raw) => {
    if (typeof raw !== 'string') return message('form_text');
    return characters(raw) > MAX_TEXT_CHARS ? message('form_too_long') : null; // kept as typed, spaces included
  },
  geopoint: shape(isPoint, 'form_geopoint'),
  geotrace: shape(isTrace, 'form_geotrace'),
  geoshape: shape(isShape, 'form_geoshape'),
  image: shape((raw) => typeof raw === 'string' && PHOTO_ID.test(raw), 'form_image'),
  acknowledge: shape((raw) => raw === 'OK', 'form_acknowledge'),
  // Metadata the phone fills (start, end, today, username); deviceid and audit are not answered: dropped.
  start: shape(isDateTime, 'form_datetime'),
  end: shape(isDateTime, 'form_datetime'),
  today: shape(isCalendarDate, 'form_date'),
  username: shape((raw) => typeof raw === 'string' && characters(raw) <= MAX_USERNAME_CHARS, 'form_text'),
};
/** What a question's type says of an input that is none of its answers (a widget's unreadable input): a
 * range's message names its bounds. */
export const typeMessage = (question) => TYPE_ERRORS[question.type](undefined,
  (question.choices || []).map((c) => c.name), question);

/** The types an answer is kept for (notes only show text; calculates are computed; groups and repeats gather). */
export const ANSWERED = new Set(Object.keys(TYPE_ERRORS));

/** A reference's value (forms-v3-spec §2): numbers for integer/decimal/range (kept as numbers); a
 * select_multiple's or rank's names joined by one space; a geopoint's "lat lon altitude accuracy", a line's
 * points joined by ";"; else the text. */
export function xpathValue(question, value) {
  switch (question.type) {
    case 'select_multiple': case 'rank': return value.join(' ');
    case 'geopoint': return pointText(value);
    case 'geotrace': case 'geoshape': return lineText(value);
    default: return value;
  }
}
