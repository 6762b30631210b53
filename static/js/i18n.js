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

/** "hace 5 min" / "hoy 10:42" style moment for the sync bar, in the page's locale. */
export function when(timestamp) {
  if (!timestamp) return t('never');
  const date = new Date(timestamp);
  const lang = document.documentElement.lang || 'es-CO';
  const sameDay = date.toDateString() === new Date().toDateString();
  const time = date.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  return sameDay ? time : `${date.toLocaleDateString(lang, { day: 'numeric', month: 'short' })} ${time}`;
}
