// The one regular-expression dialect of forms, on the phone: the same scanner as the server's
// fieldwork/forms/regex_dialect.py (read its docstring for what is admitted and why). A pattern outside it
// makes regex() false on both sides; inside it, JavaScript with the `u` flag and RE2 read it alike.
const MAX_PATTERN_CHARS = 1000;
const MAX_BOUND = 100;
const MAX_REPEAT_PRODUCT = 1000;
const ESCAPED_PUNCTUATION = new Set('^$\\.*+?()[]{}|/');
const PLAIN_ESCAPES = new Set('dDnrt');
const SURROGATE = /[\uD800-\uDFFF]/u; // with `u`, only a lone one: a pair is one code point
const QUANTIFIER = /\{(\d+)(,(\d*))?\}/y;

class Refused extends Error {}

function fold(frame, product, unbounded) {
  frame[0] = Math.max(frame[0], product);
  frame[1] = frame[1] || unbounded;
}

function quantifier(pattern, start, last, frame) {
  let end;
  let factor = 1;
  let unbounded = pattern[start] !== '?';
  if (pattern[start] === '{') {
    QUANTIFIER.lastIndex = start;
    const match = QUANTIFIER.exec(pattern);
    if (!match) throw new Refused('lone');
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : (match[3] ? Number(match[3]) : null);
    if (Math.max(low, high ?? 0) > MAX_BOUND || (high !== null && high < low)) throw new Refused('bound');
    end = start + match[0].length;
    factor = Math.max(low, high ?? 0, 1);
    unbounded = high === null;
  } else {
    end = start + 1;
  }
  if (last === null) throw new Refused('nothing');
  const [product, holdsUnbounded] = last;
  if (unbounded && holdsUnbounded) throw new Refused('nested');
  if (product * factor > MAX_REPEAT_PRODUCT) throw new Refused('bound');
  if (pattern[end] === '?') end += 1;
  else if (pattern[end] === '+') throw new Refused('possessive');
  fold(frame, product * factor, holdsUnbounded || unbounded);
  return end;
}

/** One class member: [the character or null for \d \D, the index after it]. */
function classMember(pattern, i) {
  const char = String.fromCodePoint(pattern.codePointAt(i)); // a pair whole, as the server reads it
  if (char === '[') throw new Refused('bracket');
  if (char !== '\\') return [char, i + char.length];
  const escaped = pattern[i + 1] ?? '';
  if (escaped === 'd' || escaped === 'D') return [null, i + 2];
  if (PLAIN_ESCAPES.has(escaped)) return [{ n: '\n', r: '\r', t: '\t' }[escaped], i + 2];
  if (ESCAPED_PUNCTUATION.has(escaped) || escaped === '-') return [escaped, i + 2];
  throw new Refused('escape');
}

function classEnd(pattern, start) {
  let i = start + 1 + (pattern[start + 1] === '^' ? 1 : 0);
  let members = 0;
  while (i < pattern.length && pattern[i] !== ']') {
    const [low, next] = classMember(pattern, i);
    i = next;
    members += 1;
    if (pattern[i] === '-' && i + 1 < pattern.length && pattern[i + 1] !== ']') {
      const [high, after] = classMember(pattern, i + 1);
      i = after;
      if (low === null || high === null || high.codePointAt(0) < low.codePointAt(0)) throw new Refused('range');
    }
  }
  if (i >= pattern.length) throw new Refused('unclosed');
  if (members === 0) throw new Refused('empty_class');
  return i + 1;
}

// The scan walks UTF-16 units, stepping over a surrogate pair whole: the server walks code points.
function scan(pattern) {
  if ([...pattern].length > MAX_PATTERN_CHARS) throw new Refused('long');
  if (SURROGATE.test(pattern)) throw new Refused('char');
  const frames = [[1, false]];
  let last = null;
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i];
    if ('*+?{'.includes(char)) {
      i = quantifier(pattern, i, last, frames[frames.length - 1]);
      last = null;
    } else if (char === '\\') {
      const escaped = pattern[i + 1] ?? '';
      if (!(PLAIN_ESCAPES.has(escaped) || ESCAPED_PUNCTUATION.has(escaped))) throw new Refused('escape');
      i += 2;
      last = [1, false];
    } else if (char === '[') {
      i = classEnd(pattern, i);
      last = [1, false];
    } else if (char === '(') {
      if (pattern.startsWith('(?', i) && !pattern.startsWith('(?:', i)) throw new Refused('group');
      i += pattern.startsWith('(?:', i) ? 3 : 1;
      frames.push([1, false]);
      last = null;
    } else if (char === ')') {
      if (frames.length === 1) throw new Refused('unbalanced');
      const [product, unbounded] = frames.pop();
      fold(frames[frames.length - 1], product, unbounded);
      i += 1;
      last = [product, unbounded];
    } else if (char === ']' || char === '}') {
      throw new Refused('lone');
    } else {
      if (char === '|') frames[frames.length - 1][1] = true; // (a|a)* backtracks like (a+)+ here
      i += pattern.codePointAt(i) > 0xffff ? 2 : 1;
      last = '^$|'.includes(char) ? null : [1, false];
    }
  }
  if (frames.length > 1) throw new Refused('unbalanced');
}

/** Whether `pattern` is inside the dialect (the server's refusal() is None). */
export function allowed(pattern) {
  try {
    scan(pattern);
    return true;
  } catch (error) {
    if (error instanceof Refused) return false;
    throw error;
  }
}

const compiled = new Map(); // pattern → RegExp | null, a few hundred at most (forms reuse their patterns)

/** regex(text, pattern): false outside the dialect or for a text with a lone surrogate, as on the server. */
export function search(pattern, text) {
  if (!compiled.has(pattern)) {
    if (compiled.size >= 256) compiled.clear();
    compiled.set(pattern, allowed(pattern) ? new RegExp(pattern, 'u') : null);
  }
  const regex = compiled.get(pattern);
  return regex !== null && !SURROGATE.test(text) && regex.test(text);
}
