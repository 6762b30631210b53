// A stored visit's answers as a draft keeps them: what the officer would have typed (strings, and a
// list of choice names for select_multiple). Pure: visit-data.js imports it.
import { formatNumber } from '../numbers.js';

/** The API value → what the form shows, as Colombians write it (4500000 → "4.500.000", 35.5 → "35,5"). */
function toRaw(value) {
  if (Array.isArray(value)) return [...value];
  if (typeof value === 'number') return formatNumber(value);
  return value == null ? '' : String(value);
}

/** A visit's answers as a draft keeps them. */
export function answersToRaw(answers) {
  return Object.fromEntries(Object.entries(answers || {}).map(([name, value]) => [name, toRaw(value)]));
}

/** The draft's part of a stored visit (for visit-data.js payloadToFields). */
export function visitToFields(visit) {
  return { form_version_id: visit.form_version_id ?? null, answers: answersToRaw(visit.answers) };
}
