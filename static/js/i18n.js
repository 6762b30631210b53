// UI text for the ES modules. The strings live in Python (fieldwork/visits/messages.py, inside _()) so
// that Babel extracts and translates them with the rest; the page embeds them as a JSON data block.
let messages = null;

function load() {
  if (messages) return messages;
  const node = typeof document !== 'undefined' ? document.getElementById('fieldwork-messages') : null;
  try {
    messages = node ? JSON.parse(node.textContent) : {};
  } catch {
    messages = {};
  }
  return messages;
}

/** The translated message `key`, with `%(name)s` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = load()[key] ?? key;
  return text.replace(/%\((\w+)\)s/g, (_, name) => String(vars[name] ?? ''));
}

/** Like t(), choosing `${key}_one` when `count` is 1 (Spanish and English need no other plural forms). */
export function tn(key, count, vars = {}) {
  const singular = `${key}_one`;
  return t(count === 1 && singular in load() ? singular : key, { ...vars, count });
}

const pad = (n) => String(n).padStart(2, '0');

/** A day as the server writes it (fieldwork/text/i18n.py DAY_FORMAT): "5 mar 2026", four-digit year. */
export function formatDay(value) {
  // A bare "YYYY-MM-DD" is that calendar day, not midnight UTC (the day before in Bogotá).
  const parts = typeof value === 'string' && /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = parts ? new Date(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3])) : new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  const months = (load().months_short || '').split(' ');
  return `${date.getDate()} ${months[date.getMonth()] || pad(date.getMonth() + 1)} ${date.getFullYear()}`;
}

/** A moment as the server writes it (MOMENT_FORMAT): "5 mar 2026, 14:30", 24-hour clock. */
export function formatMoment(value) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return `${formatDay(date)}, ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The sync bar's moment: "hoy 10:42", else the full moment. */
export function when(timestamp) {
  if (!timestamp) return t('never');
  const date = new Date(timestamp);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? `${t('today')} ${pad(date.getHours())}:${pad(date.getMinutes())}` : formatMoment(date);
}
