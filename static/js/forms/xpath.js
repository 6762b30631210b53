// The browser's evaluator of form expressions. The server parses each expression once (lark) into a
// small JSON AST that ships with the form definition; this module and fieldwork/forms/expressions.py
// both evaluate that AST with XPath 1.0 semantics, and tests/forms/expression_cases.json holds them to
// the same answer on every case. Values are strings, numbers (NaN allowed) and booleans.
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// XPath 1.0's Number production, with the whitespace it allows around it: no exponent, no sign but '-'.
const NUMBER = /^[\t\n\r ]*-?(\d+(\.\d*)?|\.\d+)[\t\n\r ]*$/;

/** number(x): '' and 'abc' are NaN, true is 1. */
export function toNumber(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const text = String(value);
  return NUMBER.test(text) ? Number(text.trim()) : NaN;
}

/** string(x): integral numbers without a decimal point, the shortest round-trip decimal otherwise. */
export function toText(value) {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value)) return BigInt(value).toString(); // 1e21 as digits, -0 as "0"
  return plainDecimal(String(value));
}

/** JavaScript writes 1e-7 with an exponent; XPath (and the server) write 0.0000001. */
function plainDecimal(text) {
  const match = /^(-?)(\d)(?:\.(\d+))?e-(\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, lead, rest = '', exponent] = match;
  return `${sign}0.${'0'.repeat(Number(exponent) - 1)}${lead}${rest}`;
}

/** boolean(x): a non-empty string; a number other than 0 and NaN. */
export function toBoolean(value) {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return value !== '';
}

function equals(left, right) {
  if (typeof left === 'boolean' || typeof right === 'boolean') return toBoolean(left) === toBoolean(right);
  if (typeof left === 'number' || typeof right === 'number') return toNumber(left) === toNumber(right);
  return left === right;
}

/** < <= > >=: two YYYY-MM-DD strings compare as dates (as strings), anything else as numbers. */
function compare(op, left, right) {
  let a = left;
  let b = right;
  if (!(typeof a === 'string' && typeof b === 'string' && DATE.test(a) && DATE.test(b))) {
    a = toNumber(left);
    b = toNumber(right);
  }
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

const tokens = (value) => toText(value).split(' ').filter(Boolean);

/** 10ⁿ as the literal "1eN" reads: correctly rounded, like the server's. */
const powerOfTen = (n) => (Number.isInteger(n) && Math.abs(n) <= 300 ? Number(`1e${n}`) : 10 ** n);

function round(x, places) {
  if (places === undefined) return Math.floor(x + 0.5);
  const digits = Math.trunc(places);
  if (!Number.isFinite(digits)) return NaN;
  const scale = powerOfTen(digits);
  return Math.floor(x * scale + 0.5) / scale;
}

const FUNCTIONS = {
  not: (ev, a) => !toBoolean(ev(a)),
  selected: (ev, list, value) => tokens(ev(list)).includes(toText(ev(value))),
  'count-selected': (ev, list) => tokens(ev(list)).length,
  'string-length': (ev, text) => [...toText(ev(text))].length, // characters, not UTF-16 units
  regex: (ev, text, pattern) => regexTest(toText(ev(text)), toText(ev(pattern))),
  if: (ev, condition, yes, no) => (toBoolean(ev(condition)) ? ev(yes) : ev(no)),
  coalesce: (ev, a, b) => {
    const first = ev(a);
    return toText(first) !== '' ? first : ev(b);
  },
  concat: (ev, ...parts) => parts.map((p) => toText(ev(p))).join(''),
  number: (ev, a) => toNumber(ev(a)),
  int: (ev, a) => Math.trunc(toNumber(ev(a))),
  round: (ev, x, digits) => round(toNumber(ev(x)), digits === undefined ? undefined : toNumber(ev(digits))),
  today: (ev, context) => context.today,
};

function regexTest(text, pattern) {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false; // the server refuses a literal bad pattern at upload; a computed one never matches
  }
}

const ARITHMETIC = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  div: (a, b) => a / b,
  mod: (a, b) => a % b, // the sign of the dividend, like C's fmod
};

/**
 * The value of `ast` where `context` is {value(name) → the XPath value of ${name}, self → the value
 * of `.`, today → 'YYYY-MM-DD'}.
 */
export function evaluate(ast, context) {
  const ev = (node) => evaluate(node, context);
  const [op, a, b] = ast;
  switch (op) {
    case 'num': return Number(a);
    case 'str': return a;
    case 'ref': return context.value(a);
    case 'self': return context.self ?? '';
    case 'neg': return -toNumber(ev(a));
    case 'or': return toBoolean(ev(a)) || toBoolean(ev(b));
    case 'and': return toBoolean(ev(a)) && toBoolean(ev(b));
    case '=': return equals(ev(a), ev(b));
    case '!=': return !equals(ev(a), ev(b));
    case '<': case '<=': case '>': case '>=': return compare(op, ev(a), ev(b));
    case 'call': {
      const fn = FUNCTIONS[a];
      if (!fn) throw new Error(`unknown function ${a}`);
      return a === 'today' ? fn(ev, context) : fn(ev, ...ast.slice(2));
    }
    default: {
      const arithmetic = ARITHMETIC[op];
      if (!arithmetic) throw new Error(`unknown operator ${op}`);
      return arithmetic(toNumber(ev(a)), toNumber(ev(b)));
    }
  }
}
