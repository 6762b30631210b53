// A visit in its three shapes: the form's strings (kept in drafts), the API payload (kept in the
// outbox and sent to /api/v1/visits/sync), and back. Pure functions: no DOM, no storage.
import { t } from './i18n.js';

export const TOPICS = ['produccion', 'comercializacion', 'financiacion', 'formacion'];
export const NUMBER_FIELDS = ['production_units', 'monthly_sales_cop', 'employees'];
export const TEXT_FIELDS = ['needs', 'notes', 'follow_up_reason'];
export const NOTES_MAX = 2000;
// Upper bounds mirror the server's (an unchecked integer is a 500 on SQLite); the server decides anyway.
export const MAX_INT = { production_units: 10000000, employees: 10000000, monthly_sales_cop: 1e13 };
const SKEW_MS = 10 * 60 * 1000;

const pad = (n) => String(n).padStart(2, '0');

/** A Date as the value of an <input type=datetime-local>, in the phone's own time zone. */
export function toLocalInput(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "2026-03-05T10:30" (local) → "2026-03-05T10:30:00-05:00": the instant with the phone's offset. */
export function localInputToIso(value) {
  const date = new Date(value);
  if (!value || Number.isNaN(date.getTime())) return null;
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${toLocalInput(date)}:${pad(date.getSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Only the digits of what the officer typed ("$ 4.500.000" → "4500000"). */
export const digits = (value) => String(value ?? '').replace(/\D+/g, '');

/** Thousands separators as Colombia writes them: 4500000 → "4.500.000". */
export function groupThousands(value) {
  const d = digits(value).replace(/^0+(?=\d)/, '');
  return d ? new Intl.NumberFormat('es-CO', { maximumFractionDigits: 0 }).format(Number(d)) : '';
}

export function emptyFields(now = new Date()) {
  return {
    mipyme_id: '', visited_at: toLocalInput(now), topics: [], production_units: '', monthly_sales_cop: '',
    employees: '', needs: '', notes: '', follow_up_due: '', follow_up_reason: '', location: null,
  };
}

/** The API payload of a visit from the form's fields. */
export function fieldsToPayload(id, revision, fields) {
  const payload = {
    id,
    revision,
    mipyme_id: Number(fields.mipyme_id),
    visited_at: localInputToIso(fields.visited_at),
    topics: TOPICS.filter((t) => (fields.topics || []).includes(t)),
  };
  for (const name of NUMBER_FIELDS) {
    const d = digits(fields[name]);
    payload[name] = d === '' ? null : Number(d);
  }
  for (const name of TEXT_FIELDS) {
    const text = (fields[name] || '').trim();
    payload[name] = text || null;
  }
  payload.follow_up_due = fields.follow_up_due || null;
  payload.location = fields.location ? { ...fields.location } : null;
  return payload;
}

/** The form's fields from an API visit (a rejected outbox record, or a returned server visit). */
export function payloadToFields(visit) {
  const fields = emptyFields();
  fields.mipyme_id = visit.mipyme_id == null ? '' : String(visit.mipyme_id);
  fields.visited_at = visit.visited_at ? toLocalInput(new Date(visit.visited_at)) : '';
  fields.topics = [...(visit.topics || [])];
  for (const name of NUMBER_FIELDS) fields[name] = visit[name] == null ? '' : String(visit[name]);
  for (const name of TEXT_FIELDS) fields[name] = visit[name] || '';
  fields.follow_up_due = visit.follow_up_due || '';
  fields.location = visit.location || null;
  return fields;
}

/** Spanish errors per field, as the server would phrase them; `{}` when the visit may be queued. */
export function validate(fields, mipymeIds, now = new Date()) {
  const errors = {};
  const add = (name, message) => { (errors[name] ||= []).push(message); };
  if (!fields.mipyme_id) add('mipyme_id', t('err_mipyme_required'));
  else if (mipymeIds && !mipymeIds.has(String(fields.mipyme_id))) add('mipyme_id', t('err_mipyme_unknown'));
  const visited = fields.visited_at ? new Date(fields.visited_at) : null;
  if (!visited || Number.isNaN(visited.getTime())) add('visited_at', t('err_visited_at_required'));
  else if (visited.getTime() > now.getTime() + SKEW_MS) add('visited_at', t('err_visited_at_future'));
  if (!fields.topics || fields.topics.length === 0) add('topics', t('err_topics_required'));
  for (const name of NUMBER_FIELDS) {
    const raw = String(fields[name] ?? '').trim();
    if (raw === '') continue;
    if (!/^[\d.\s$]+$/.test(raw) || digits(raw) === '') add(name, t('err_integer'));
    else if (Number(digits(raw)) > MAX_INT[name]) add(name, t('err_integer_too_big'));
  }
  if ((fields.notes || '').length > NOTES_MAX) add('notes', t('err_notes_too_long', { max: NOTES_MAX }));
  if (fields.follow_up_due) {
    const due = new Date(`${fields.follow_up_due}T23:59:59`);
    if (Number.isNaN(due.getTime())) add('follow_up_due', t('err_date'));
    else if (visited && due < visited) add('follow_up_due', t('err_follow_up_before_visit'));
  }
  return errors;
}
