// A stored visit's answers as a draft keeps them: what the officer would have typed (strings, and a
// list of choice names for select_multiple). No dependencies: visit-data.js imports it.

/** The API value → what the form shows (35.5 → "35,5"), for a draft made from a stored visit. */
function toRaw(value) {
  if (Array.isArray(value)) return [...value];
  if (typeof value === 'number') return String(value).replace('.', ',');
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
