// The shapes of place answers (API.md, "Forms"; forms-v3-spec §2): a geopoint is one reading of the phone's
// GPS (or typed), a geotrace a walked line, a geoshape a closed area. The server's twin is
// fieldwork/forms/answer_places.py. Pure: no DOM, no storage.

const MAX_NUMBER = 1e15;
// Beyond this a trace is not a walk an officer took: it would only weigh on the visit's 256 KB.
export const MAX_POINTS = 1000;
const KEYS = new Set(['lat', 'lon', 'altitude', 'accuracy_m']);

/** A finite number within ±10^15 (beyond is refused like any wrong type, API.md). */
export const isNumber = (value) => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_NUMBER;

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** {lat, lon, altitude?, accuracy_m?}: latitude and longitude on the globe, no other key. */
export function isPoint(raw) {
  if (!isPlainObject(raw)) return false;
  const keys = Object.keys(raw);
  return keys.every((key) => KEYS.has(key)) && keys.includes('lat') && keys.includes('lon')
    && keys.every((key) => isNumber(raw[key]))
    && raw.lat >= -90 && raw.lat <= 90 && raw.lon >= -180 && raw.lon <= 180 && (raw.accuracy_m ?? 0) >= 0;
}

const isLine = (raw, least) => Array.isArray(raw) && raw.length >= least && raw.length <= MAX_POINTS
  && raw.every(isPoint);

export const isTrace = (raw) => isLine(raw, 2);

/** At least 4 points, the last back on the first (ODK closes an area so; altitude and accuracy may differ). */
export const isShape = (raw) => isLine(raw, 4) && raw[0].lat === raw[raw.length - 1].lat
  && raw[0].lon === raw[raw.length - 1].lon;

/** ODK's geopoint text "lat lon altitude accuracy" (0 for what the reading lacks). */
export const pointText = (point) => ['lat', 'lon', 'altitude', 'accuracy_m']
  .map((key) => String(point[key] ?? 0)).join(' ');

export const lineText = (points) => points.map(pointText).join(';');
