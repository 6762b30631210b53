// XPath values (strings, numbers with NaN, booleans, and the node-sets a reference into repeats yields), their
// conversions and the evaluation budget, as the ODK XForms spec extends XPath 1.0: number() of a date or
// dateTime text is its days from 1970-01-01.
// fieldwork/forms/xpath_values.py is the same, case for case.
import { dateDays } from './xpath-dates.js';

const MAX_STEPS = 100000;
const MAX_CHARS = 2000000;
// XPath 1.0's Number production, with the whitespace it allows around it: no exponent, no sign but '-'.
const NUMBER = /^[\t\n\r ]*-?(\d+(\.\d*)?|\.\d+)[\t\n\r ]*$/;
// XML's whitespace: it separates a select_multiple's choices; normalize-space() collapses it.
export const WHITESPACE = /[ \t\r\n]+/g;

/** What the server raises as fieldwork.forms.xpath.EvaluationError: reason 'budget' or 'invalid'. */
export class EvaluationError extends Error {
  constructor(reason) {
    super(`expression ${reason}`);
    this.name = 'EvaluationError';
    this.reason = reason;
  }
}

/**
 * The values of the nodes a reference reaches, in document order ('' for an unanswered one): ${x} read across
 * repeat instances (forms-v3 §3). XPath 1.0 §4: string() and number() read the first node, boolean() whether
 * there is any.
 */
export class Nodeset {
  constructor(nodes) {
    this.nodes = nodes;
  }
}

/** The nodes of a node-set, or the one value of anything else. */
export const nodesOf = (value) => (value instanceof Nodeset ? value.nodes : [value]);

/** Code points, as Python's len() counts them (a surrogate pair is one, a lone surrogate one too). */
export function codePoints(text) {
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
    else if (value instanceof Nodeset) { // a step and the characters of every node, as on the server
      this.steps -= value.nodes.length;
      for (const node of value.nodes) if (typeof node === 'string') this.chars -= codePoints(node);
    }
    if (this.steps < 0 || this.chars < 0) throw new EvaluationError('budget');
    return value;
  }

  /** Refuse, before building it, a text longer than the characters left (uuid(n)). */
  ensure(chars) {
    if (chars > this.chars) throw new EvaluationError('budget');
  }
}

/** number(x): '' and 'abc' are NaN, true is 1, a date its days from 1970-01-01. */
export function toNumber(value) {
  if (typeof value === 'number') return value;
  if (value instanceof Nodeset) return value.nodes.length ? toNumber(value.nodes[0]) : NaN;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const text = String(value);
  if (NUMBER.test(text)) return Number(text.trim());
  return dateDays(text) ?? NaN;
}

/** string(x): integral numbers without a decimal point, the shortest round-trip decimal otherwise. */
export function toText(value) {
  if (typeof value === 'string') return value;
  if (value instanceof Nodeset) return value.nodes.length ? toText(value.nodes[0]) : '';
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
  if (value instanceof Nodeset) return value.nodes.length > 0;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return value !== '';
}

/** The choice names of a select_multiple value: separated by whitespace, empties ignored. */
export const tokens = (value) => toText(value).split(WHITESPACE).filter(Boolean);
