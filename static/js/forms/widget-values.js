// What the phone's inputs for the newer question types (widgets.js) show and read, as pure functions: a
// time, a moment in the programme's zone, a coordinate typed as Colombians write numbers, a range's steps, a
// shape's closing point. The answers' shapes are contract v3's (notes/forms-v3-spec.md §2). No DOM here.

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?$/;
const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;
const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');

/** An <input type=time> value ("14:30", "14:30:05", "14:30:05.250") → the answer "HH:MM:SS[.sss]". */
export function readTime(raw) {
  if (!raw) return { value: null };
  const match = TIME.exec(raw);
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59 || Number(match[3] ?? 0) > 59) return { error: true };
  return { value: `${match[1]}:${match[2]}:${match[3] ?? '00'}${match[4] ?? ''}` };
}

/** A stored time → what <input type=time> shows (seconds only when there are some). */
export function timeToInput(value) {
  const match = TIME.exec(String(value ?? ''));
  if (!match) return '';
  const seconds = match[3] && (match[3] !== '00' || match[4]) ? `:${match[3]}` : '';
  return `${match[1]}:${match[2]}${seconds}`;
}

/** Minutes `zone` is ahead of UTC at the instant `ms` (Bogotá: -300). */
export function zoneOffset(ms, zone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms)).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
}

/** -300 → "-05:00" (as ISO 8601 writes an offset). */
export const offsetText = (minutes) => `${minutes < 0 ? '-' : '+'}${pad(minutes / 60)}:${pad(minutes % 60)}`;

/**
 * A datetime-local value, the wall clock of `zone` (the programme's, not the phone's: an officer whose phone
 * is set to another zone still answers in Bogotá's time) → the answer "YYYY-MM-DDTHH:MM:SS±HH:MM".
 */
export function readMoment(raw, zone) {
  if (!raw) return { value: null };
  const match = WALL.exec(raw);
  if (!match) return { error: true };
  const [, year, month, day, hour, minute, second = '00'] = match;
  const asUtc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const check = new Date(asUtc);
  if (check.getUTCDate() !== Number(day) || check.getUTCMonth() !== Number(month) - 1 || Number(hour) > 23) return { error: true };
  // The offset in force at that wall time: guessed from the wall time read as UTC, then checked at the instant.
  let offset = zoneOffset(asUtc, zone);
  offset = zoneOffset(asUtc - offset * 60000, zone);
  return { value: `${year}-${month}-${day}T${hour}:${minute}:${second}${offsetText(offset)}` };
}

/** A stored moment (any offset) → the datetime-local value showing it on `zone`'s clock. */
export function momentToInput(value, zone) {
  const ms = Date.parse(String(value ?? ''));
  if (!/T/.test(String(value ?? '')) || Number.isNaN(ms)) return '';
  const wall = new Date(Math.floor(ms / 1000) * 1000 + zoneOffset(ms, zone) * 60000).toISOString(); // the zone's clock
  const seconds = wall.slice(17, 19);
  return seconds === '00' ? wall.slice(0, 16) : wall.slice(0, 19);
}

/**
 * A latitude or longitude as typed: decimal degrees with ONE decimal separator, a point or a comma
 * ("4,7110", "-74.0721"). A coordinate never groups thousands (it is at most 180), so one separator can only
 * be the decimal one; two separators ("4.711.000", "4,711.5") could mean either, and are refused rather than
 * guessed. → {value} (null when blank) or {error: 'coord_ambiguous' | 'coord_not_number' | 'lat_range' | 'lon_range'}.
 */
export function readCoordinate(raw, kind) {
  const text = String(raw ?? '').trim().replace(/\u2212/g, '-'); // the minus sign some keyboards type
  if (!text) return { value: null };
  if ((text.match(/[.,]/g) || []).length > 1) return { error: 'coord_ambiguous' };
  const match = /^([+-]?)\s*(\d{1,3})(?:[.,](\d+))?$/.exec(text);
  if (!match) return { error: 'coord_not_number' };
  const value = (match[1] === '-' ? -1 : 1) * Number(`${match[2]}.${match[3] ?? '0'}`);
  if (Math.abs(value) > (kind === 'lat' ? 90 : 180)) return { error: `${kind}_range` };
  return { value: value || 0 };
}

/** A coordinate as the form shows it back: a decimal comma, as Colombians write it (-74,0721). */
export const coordinateText = (value) => String(value).replace('.', ',');

/** A GPS reading (GeolocationPosition.coords) → a point of the answer (6 decimals: about 10 cm). */
export function pointFromFix(coords) {
  const point = { lat: Number(coords.latitude.toFixed(6)), lon: Number(coords.longitude.toFixed(6)) };
  if (Number.isFinite(coords.altitude)) point.altitude = Number(coords.altitude.toFixed(1));
  if (Number.isFinite(coords.accuracy)) point.accuracy_m = Math.round(coords.accuracy * 10) / 10;
  return point;
}

/** Points with the same keys and values (a shape's closing point repeats its first one exactly). */
export const samePoint = (a, b) => {
  const keys = Object.keys(a || {});
  return Boolean(a && b) && keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
};

/** The officer's points → the answer: a line needs 2, a shape 3 distinct corners and is closed here. */
export function readPoints(points, type) {
  if (!points.length) return { value: null };
  if (type === 'geotrace') return points.length >= 2 ? { value: points.map((p) => ({ ...p })) } : { error: true };
  const open = openShape(points);
  if (open.length < 3) return { error: true };
  return { value: [...open.map((p) => ({ ...p })), { ...open[0] }] };
}

/** A stored shape shows its corners once: the closing point is the answer's, not one the officer added. */
export function openShape(points) {
  const list = Array.isArray(points) ? points : [];
  return list.length > 1 && samePoint(list[0], list[list.length - 1]) ? list.slice(0, -1) : list.slice();
}

const decimals = (number) => {
  const match = /(?:\.(\d+))?(?:e-(\d+))?$/i.exec(String(number));
  return Math.min(15, (match[1]?.length || 0) + Number(match[2] || 0));
};

/**
 * A range question's steps (parameters start, end, step; ODK's defaults 1, 10, 1). Step i is
 * start ± i·step towards end, rounded to the decimals of start and step (0.1·3 is 0.3, not 0.30000000000000004).
 */
export function rangeSteps(parameters = {}) {
  // As answer-types.js rangeParameters reads them: a parameter that is no number takes ODK's default.
  const number = (value, fallback) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
  const start = number(parameters.start, 1);
  const end = number(parameters.end, 10);
  const step = Math.abs(number(parameters.step, 1));
  const direction = end >= start ? 1 : -1;
  const places = Math.max(decimals(start), decimals(step));
  const count = step ? Math.floor(Math.abs(end - start) / step + 1e-9) : 0; // the last step index; step 0: start only
  const valueAt = (index) => Number((start + direction * index * step).toFixed(places));
  return {
    start, end, step, count, valueAt,
    /** The step index of `value`, or -1 when it is not on a step. */
    indexOf(value) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return -1;
      const index = step ? Math.round(((value - start) * direction) / step) : 0;
      return index >= 0 && index <= count && Math.abs(valueAt(index) - value) < 1e-9 ? index : -1;
    },
  };
}

/** The choices' names in the stored order (unknown names dropped, choices it lacks after it), or the form's. */
export function rankOrder(choices, value) {
  const names = choices.map((c) => c.name);
  if (!Array.isArray(value)) return names;
  const kept = value.filter((name, i) => names.includes(name) && value.indexOf(name) === i);
  return [...kept, ...names.filter((name) => !kept.includes(name))];
}
