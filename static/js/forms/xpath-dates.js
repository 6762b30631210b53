// Dates and date-times as the ODK XForms spec reads them, operation for operation as the server's
// fieldwork/forms/xpath_dates.py (read its docstring): a date is whole days from 1970-01-01, a dateTime
// (with its offset) days from 1970-01-01T00:00Z with their fraction; years 0001–9999.
const SPACE = '[ \\t\\r\\n]*';
const DATE = new RegExp(`^${SPACE}(\\d{4})-(\\d{2})-(\\d{2})${SPACE}$`);
const DATE_TIME = new RegExp(`^${SPACE}(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d+)?)?`
  + `(Z|[+-]\\d{2}:\\d{2})${SPACE}$`);
// A time as ODK writes it ("HH:MM:SS.sss-05:00"); its offset is the device's own when it wrote it.
const TIME = new RegExp(`^${SPACE}(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?${SPACE}$`);
const FIRST_DAY = -719162; // 0001-01-01
const LAST_DAY = 2932896; // 9999-12-31
const MS_PER_DAY = 86400000;
// format-date()'s %b and %a: Spanish unless the caller asks for English (API.md: the form's language).
const NAMES = {
  es: [['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'],
    ['dom', 'lun', 'mar', 'mié', 'jue', 'vie', 'sáb']],
  en: [['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
    ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']],
};

// Howard Hinnant's civil-calendar algorithms (proleptic Gregorian), free of Date's two-digit-year quirks.
function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

function civilFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, doy - Math.floor((153 * mp + 2) / 5) + 1];
}

/** Days from 1970-01-01 to a real calendar day, or null. */
function calendarDay(year, month, day) {
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  if (y < 1 || m < 1 || m > 12 || d < 1) return null;
  const days = daysFromCivil(y, m, d);
  const [, backMonth, backDay] = civilFromDays(days);
  return backMonth === m && backDay === d ? days : null;
}

function offsetMinutes(offset) {
  if (offset === 'Z') return 0;
  const minutes = Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6));
  return offset[0] === '-' ? -minutes : minutes;
}

function dateTime(text) {
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const day = calendarDay(match[1], match[2], match[3]);
  const offset = match[8];
  if (day === null || Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6] || 0) > 59) return null;
  if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)) return null;
  return [match, day];
}

/** decimal-time(): the fraction of the day a time is, as written (noon is 0.5); NaN for any other text. */
export function dayFraction(text) {
  const match = TIME.exec(text);
  if (!match) return NaN;
  const [, hour, minute, second, fraction, offset] = match;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second || 0) > 59
    || (offset && offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59))) return NaN;
  return ((Number(hour) * 60 + Number(minute)) * 60 + Number(second || 0) + Number(`0${fraction || '.0'}`)) / 86400;
}

/** A date's or a dateTime's number (the spec's number() of it), or null for any other text. */
export function dateDays(text) {
  const date = DATE.exec(text);
  if (date) return calendarDay(date[1], date[2], date[3]);
  const found = dateTime(text);
  if (!found) return null;
  const [match, day] = found;
  const seconds = (Number(match[4]) * 60 + Number(match[5])) * 60 + Number(match[6] || 0)
    - offsetMinutes(match[8]) * 60;
  return (seconds + Number(`0${match[7] || '.0'}`)) / 86400 + day;
}

/**
 * What format-date() and date() read: a dateTime text as written in its own offset, else `days` (the
 * value's number()) in UTC; null when it is no day between 0001 and 9999.
 */
export function moment(text, days) {
  const found = text === null ? null : dateTime(text);
  if (found) {
    const [match, day] = found;
    const millisecond = Number(`${(match[7] || '.').slice(1)}000`.slice(0, 3));
    return { day, hour: Number(match[4]), minute: Number(match[5]), second: Number(match[6] || 0), millisecond };
  }
  if (!(days >= FIRST_DAY - 1 && days <= LAST_DAY + 1)) return null; // NaN too
  const total = Math.floor(days * MS_PER_DAY + 0.5);
  const day = Math.floor(total / MS_PER_DAY);
  const rest = total - day * MS_PER_DAY;
  if (day < FIRST_DAY || day > LAST_DAY) return null;
  return {
    day, hour: Math.floor(rest / 3600000), minute: Math.floor(rest / 60000) % 60,
    second: Math.floor(rest / 1000) % 60, millisecond: rest % 1000,
  };
}

const pad = (number, width) => String(number).padStart(width, '0');

/** 'YYYY-MM-DD' of a day number within 0001..9999. */
export function isoDay(day) {
  const [y, m, d] = civilFromDays(day);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** The spec's format-date()/format-date-time() codes; any other "%x" is kept as written. */
export function formatMoment(when, pattern, language) {
  const [months, weekdays] = NAMES[String(language).toLowerCase().startsWith('en') ? 'en' : 'es'];
  const [y, m, d] = civilFromDays(when.day);
  const codes = new Map(Object.entries({
    Y: pad(y, 4), y: pad(y % 100, 2), m: pad(m, 2), n: String(m), b: months[m - 1], d: pad(d, 2), e: String(d),
    a: weekdays[(((when.day + 4) % 7) + 7) % 7], H: pad(when.hour, 2), h: String(when.hour),
    M: pad(when.minute, 2), S: pad(when.second, 2), 3: pad(when.millisecond, 3),
  }));
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    if (pattern[i] === '%' && i + 1 < pattern.length && codes.has(pattern[i + 1])) {
      out += codes.get(pattern[i + 1]);
      i += 1;
    } else out += pattern[i];
  }
  return out;
}
