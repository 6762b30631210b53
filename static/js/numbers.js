// Numbers as people in Colombia write them (es-CO): dots group the thousands, a comma starts the decimals.
// The same strict reading as fieldwork/text/numbers.py, held to it by tests/cases/numbers.json: a figure is
// never changed silently. Each parser answers {value} (null when blank) or {error: code}; the codes are
// 'characters', 'sign', 'decimal', 'grouping', 'too_big' and the page's message table words them.

const SPACES = ' \\t\\n\\r\\u00a0\\u2009\\u202f'; // what a keyboard, a paste or Intl.NumberFormat put around figures
const TRIM = new RegExp(`^[${SPACES}]+|[${SPACES}]+$`, 'g');
const ALLOWED = new RegExp(`^[-+0-9.,${SPACES}]+$`);
const SEPARATORS = new RegExp(`[.${SPACES}]`, 'g');
// Either plain digits, or 1-3 digits followed by groups of three, each after the same separator.
const WHOLE = /^(?:[0-9]+|[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[1-9][0-9]{0,2}(?:[ \u00a0\u2009\u202f][0-9]{3})+)$/;
const FRACTION = /^[0-9]+$/;

class NumberError extends Error {
  constructor(code) { super(code); this.code = code; }
}

const trim = (text) => text.replace(TRIM, '');

function splitSign(raw, allowNegative) {
  let text = trim(String(raw ?? ''));
  if (!text) return null;
  if (!ALLOWED.test(text)) throw new NumberError('characters');
  let sign = 1;
  if (text[0] === '-' || text[0] === '+') {
    sign = text[0] === '-' ? -1 : 1;
    if (!allowNegative || text[0] === '+') throw new NumberError('sign');
    text = trim(text.slice(1));
  }
  if (/[-+]/.test(text)) throw new NumberError(allowNegative ? 'characters' : 'sign'); // "4-500"
  if (!text) throw new NumberError('characters');
  return { sign, text };
}

function whole(text) {
  if (!WHOLE.test(text)) throw new NumberError('grouping');
  return Number(text.replace(SEPARATORS, ''));
}

function answer(read) {
  try {
    return { value: read() };
  } catch (error) {
    if (error instanceof NumberError) return { error: error.code };
    throw error;
  }
}

/** A whole number typed in es-CO ("4.500.000", "4500000", "4 500 000"); {value: null} when blank. */
export function parseInteger(raw, { maximum = Number.MAX_SAFE_INTEGER, allowNegative = false } = {}) {
  return answer(() => {
    const split = splitSign(raw, allowNegative);
    if (!split) return null;
    if (split.text.includes(',')) throw new NumberError('decimal');
    const value = whole(split.text);
    if (value > Math.min(maximum, Number.MAX_SAFE_INTEGER)) throw new NumberError('too_big');
    return split.sign * value || 0; // "-0" is 0
  });
}

/** A number with a decimal comma ("35,5", "1.234,5", "1234"); a dot is always a thousands separator. */
export function parseDecimal(raw, { maximum = Number.MAX_SAFE_INTEGER, allowNegative = false } = {}) {
  return answer(() => {
    const split = splitSign(raw, allowNegative);
    if (!split) return null;
    const [integral, fraction, ...more] = split.text.split(',');
    if (more.length) throw new NumberError('decimal');
    if (fraction !== undefined && !FRACTION.test(fraction)) throw new NumberError('grouping');
    // Number() of the plain decimal string rounds exactly as Python's float() does.
    const value = Number(`${whole(integral)}.${fraction ?? '0'}`); // ",5" is refused too: Colombians write 0,5
    if (value > Math.min(maximum, Number.MAX_SAFE_INTEGER)) throw new NumberError('too_big');
    return split.sign * value || 0;
  });
}

/** 4500000 → "4.500.000" (how the form shows a figure back). */
export function formatInteger(value) {
  const grouped = String(Math.abs(Math.trunc(value))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return value < 0 ? `-${grouped}` : grouped;
}

/** A stored number as the officer would have typed it: 4500000 → "4.500.000", 1234.5 → "1.234,5". */
export function formatNumber(value) {
  const [integral, fraction] = String(Math.abs(value)).split('.');
  if (!/^\d+$/.test(integral)) return String(value).replace('.', ','); // 1e+21: past what a form takes
  return `${formatInteger(value < 0 ? -Number(integral) : Number(integral))}${fraction ? `,${fraction}` : ''}`;
}
