// A visit in its three shapes: the form's strings (kept in drafts), the API payload (kept in the
// outbox and sent to /api/v1/visits/sync), and back. Pure functions: no DOM, no storage.
import { formatDay, t } from './i18n.js';
import { serverLimits } from './limits.js';
import { parseInteger } from './numbers.js';
import { visitToFields } from './forms/answer-values.js';

export const NUMBER_FIELDS = ['production_units', 'monthly_sales_cop', 'employees'];
export const TEXT_FIELDS = ['needs', 'notes', 'follow_up_reason'];
// Topics, the notes' length, the figures' upper bounds and the rules for visited_at are the server's,
// handed over by the page (limits.js); the server checks them all again.

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

/** A figure field read strictly ("4.500.000" → 4500000): {value} (null when blank) or {error: code}. */
export const readFigure = (name, text) => parseInteger(text, { maximum: serverLimits().figure_max[name] });

/** The calendar day ("YYYY-MM-DD") of `date` in `zone`, as the server counts days. */
export function dayIn(date, zone) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(date);
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part('year')}-${part('month')}-${part('day')}`;
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
    topics: serverLimits().topics.filter((t) => (fields.topics || []).includes(t)),
  };
  for (const name of NUMBER_FIELDS) {
    const figure = readFigure(name, fields[name]);
    // validate() stops such a visit first: a figure is never dropped or guessed on the way out.
    if (figure.error) throw new Error(`${name}: ${figure.error}`);
    payload[name] = figure.value;
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
  Object.assign(fields, visitToFields(visit)); // the programme's answers, numbers as Colombians write them
  return fields;
}

/** The Spanish message for a figure field, or '' when it reads as a whole number. */
export function figureError(name, text) {
  const { error } = readFigure(name, text);
  return error ? t(`err_integer_${error}`) : '';
}

/** Spanish errors per field, as the server would phrase them; `{}` when the visit may be queued. */
export function validate(fields, mipymeIds, now = new Date(), { zone, skewMs } = serverLimits().date_rules) {
  const errors = {};
  const add = (name, message) => { (errors[name] ||= []).push(message); };
  // A Map (id → enrolled_on, "YYYY-MM-DD" or null when unknown) also checks the enrolment day; a Set only ids.
  const enrolledOn = mipymeIds?.get?.(String(fields.mipyme_id)) || null;
  if (!fields.mipyme_id) add('mipyme_id', t('err_mipyme_required'));
  else if (mipymeIds && !mipymeIds.has(String(fields.mipyme_id))) add('mipyme_id', t('err_mipyme_unknown'));
  const visited = fields.visited_at ? new Date(fields.visited_at) : null;
  if (!visited || Number.isNaN(visited.getTime())) add('visited_at', t('err_visited_at_required'));
  else if (visited.getTime() > now.getTime() + skewMs) add('visited_at', t('err_visited_at_future'));
  else if (enrolledOn && dayIn(visited, zone) < enrolledOn) {
    add('visited_at', t('err_visited_before_enrolment', { day: formatDay(enrolledOn) })); // by the programme's day, as sync
  }
  if (!fields.topics || fields.topics.length === 0) add('topics', t('err_topics_required'));
  for (const name of NUMBER_FIELDS) {
    const message = figureError(name, fields[name]);
    if (message) add(name, message);
  }
  const notesMax = serverLimits().notes_max;
  if ((fields.notes || '').length > notesMax) add('notes', t('err_notes_too_long', { max: notesMax }));
  if (fields.follow_up_due) {
    // By the visit's day in the programme's zone, as the server compares them.
    if (!/^\d{4}-\d{2}-\d{2}$/.test(fields.follow_up_due)) add('follow_up_due', t('err_date'));
    else if (visited && !Number.isNaN(visited.getTime()) && fields.follow_up_due < dayIn(visited, zone)) {
      add('follow_up_due', t('err_follow_up_before_visit'));
    }
  }
  return errors;
}
