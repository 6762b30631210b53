// The browser's evaluator of form expressions. The server parses each expression once (lark) into a
// small JSON AST that ships with the form definition; this module and fieldwork/forms/expressions.py
// both evaluate that AST with XPath 1.0 semantics, and tests/forms/expression_cases.json holds them to
// the same answer on every case, and a property test runs random expressions through both. Values are
// strings, numbers (NaN allowed) and booleans. A visit's walk shares one Budget across its expressions, as
// on the server: a step per node and a character per code point of every text a node yields.
import { search } from './regex-dialect.js';

const MAX_STEPS = 100000;
const MAX_CHARS = 2000000;
const ROUND_DIGITS = 300; // beyond, 10ⁿ is not a finite double: round() gives NaN on both sides

/** What the server raises as fieldwork.forms.xpath.EvaluationError: reason 'budget' or 'invalid'. */
export class EvaluationError extends Error {
  constructor(reason) {
    super(`expression ${reason}`);
    this.name = 'EvaluationError';
    this.reason = reason;
  }
}

/** Code points, as Python's len() counts them (a surrogate pair is one, a lone surrogate one too). */
function codePoints(text) {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) { count -= 1; i += 1; }
    }
  }
  return count;
}

export class Budget {
  constructor(steps = MAX_STEPS, chars = MAX_CHARS) {
    this.steps = steps;
    this.chars = chars;
  }

  charge(value) {
    this.steps -= 1;
    if (typeof value === 'string') this.chars -= codePoints(value);
    if (this.steps < 0 || this.chars < 0) throw new EvaluationError('budget');
    return value;
  }
}

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

function round(x, places) {
  if (places === undefined) return Math.floor(x + 0.5);
  const digits = Math.trunc(places);
  if (Number.isNaN(digits) || Math.abs(digits) > ROUND_DIGITS) return NaN;
  const scale = Number(`1e${digits}`); // the literal's correctly rounded value, like the server's
  return Math.floor(x * scale + 0.5) / scale;
}

// Maps, so that no name an AST carries ('constructor', 'toString') reaches Object.prototype.
const FUNCTIONS = new Map(Object.entries({
  not: (ev, a) => !toBoolean(ev(a)),
  selected: (ev, list, value) => tokens(ev(list)).includes(toText(ev(value))),
  'count-selected': (ev, list) => tokens(ev(list)).length,
  'string-length': (ev, text) => [...toText(ev(text))].length, // characters, not UTF-16 units
  regex: (ev, text, pattern) => {
    const subject = toText(ev(text));
    return search(toText(ev(pattern)), subject); // outside the one dialect: false, as on the server
  },
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
}));

const ARITHMETIC = new Map(Object.entries({
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  div: (a, b) => a / b,
  mod: (a, b) => a % b, // the sign of the dividend, like C's fmod
}));

/**
 * The value of `ast` where `context` is {value(name) → the XPath value of ${name}, self → the value
 * of `.`, today → 'YYYY-MM-DD', budget → the walk's Budget (a fresh one when absent)}. Throws
 * EvaluationError when the budget runs out or the tree is not one the server's parser makes.
 */
export function evaluate(ast, context) {
  const budgeted = context.budget ? context : { ...context, budget: new Budget() };
  try {
    return run(ast, budgeted);
  } catch (error) {
    if (error instanceof EvaluationError) throw error;
    throw new EvaluationError('invalid'); // e.g. a stored tree edited by hand: refused, as on the server
  }
}

function run(ast, context) {
  return context.budget.charge(value(ast, context));
}

function value(ast, context) {
  const ev = (node) => run(node, context);
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
      const fn = FUNCTIONS.get(a);
      if (!fn) throw new EvaluationError('invalid');
      return a === 'today' ? fn(ev, context) : fn(ev, ...ast.slice(2));
    }
    default: {
      const arithmetic = ARITHMETIC.get(op);
      if (!arithmetic) throw new EvaluationError('invalid');
      return arithmetic(toNumber(ev(a)), toNumber(ev(b)));
    }
  }
}
