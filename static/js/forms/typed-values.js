// What the officer typed, as the walk reads it, and what a page shows of a value (render.js): pure, no DOM.
import { parseDecimal, parseInteger } from '../numbers.js';
import { message } from './validate.js';
import { toText } from './xpath.js';
import { WIDGET_TYPES } from './widget-types.js';
import { UNREADABLE } from './repeat-state.js';

/** What the officer typed → the API value: {value}, or {error: true} when it does not read as its type.
 * Numbers are read as Colombia writes them, by the record's one parser (numbers.js); a widget's value is
 * already the API's. */
export function parseRaw(question, raw) {
  if (raw === UNREADABLE) return { error: true };
  if (WIDGET_TYPES.has(question.type)) return { value: raw ?? null };
  if (question.type === 'select_multiple') return { value: Array.isArray(raw) ? [...raw] : [] };
  const text = raw == null ? '' : String(raw);
  if (text.trim() === '') return { value: null };
  const parser = { integer: parseInteger, decimal: parseDecimal }[question.type];
  if (!parser) return { value: text };
  const result = parser(text, { allowNegative: true }); // the form's constraint says if a sign is fine
  return result.error ? { error: true } : { value: result.value };
}

/** Two held answers alike (a select_multiple's is a list; UNREADABLE is only itself). */
export const same = (a, b) => a === b || (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]));

export const unreadableMessage = (question) => message(`form_${question.type.toLowerCase()}`);

const COLOMBIAN = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 6 }); // made once: a refresh formats many

/** A number as Colombia writes it; NaN (a sum of unanswered questions) as a dash, not a word to act on. */
export function shown(value) {
  if (value === 'NaN' || Number.isNaN(value)) return '—';
  const number = typeof value === 'number' ? value : (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : null);
  return number === null ? toText(value) : COLOMBIAN.format(number);
}
