// The functions a form's expressions may call: the ODK XForms spec's library for one form, the same table
// as fieldwork/forms/xpath_library.py (the server's ARITY is what the upload accepts). Each function gets
// `ev` (evaluates one argument node, charging the budget), its argument nodes and the context; arguments
// are evaluated left to right, and only those the spec needs, so both sides spend the same steps. The node-set
// functions (count, sum, max, min, join, …; fieldwork/forms/xpath_nodesets.py) read a Nodeset's every node, and
// position(..), indexed-repeat() and pulldata() ask the context's scope (xpath-document.js).
import { dayFraction, formatMoment, isoDay, moment } from './xpath-dates.js';
import { extreme, power, roundTo, significant, squareRoot } from './xpath-numbers.js';
import { Nodeset, WHITESPACE, nodesOf, toBoolean, toNumber, toText, tokens } from './xpath-values.js';

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const XML_SPACE_AROUND = /^[ \t\r\n]+|[ \t\r\n]+$/g;

let regexDialect = null; // regex-dialect.js, once prepareFunctions() saw a form call regex()

const callsRegex = (ast) => Array.isArray(ast) && ((ast[0] === 'call' && ast[1] === 'regex') || ast.some(callsRegex));

/** Await before evaluating `asts` (a form's expressions): fetches what their functions need beyond the core
 * library (regex()'s dialect: few forms call it, and every phone would parse it). Fetched once. */
export async function prepareFunctions(asts) {
  if (!regexDialect && asts.some(callsRegex)) regexDialect = await import('./regex-dialect.js');
}

function regex(text, pattern) {
  if (!regexDialect) throw new Error('regex() before prepareFunctions(): its dialect is not loaded');
  return regexDialect.search(pattern, text); // outside the one dialect: false, as on the server
}

const texts = (ev, nodes) => nodes.map((node) => toText(ev(node)));
const numbers = (ev, nodes) => nodes.map((node) => toNumber(ev(node)));
const onTexts = (fn) => (ev, nodes) => fn(...texts(ev, nodes));
const onNumbers = (fn) => (ev, nodes) => fn(...numbers(ev, nodes));
const selfOr = (ev, nodes, context) => (nodes.length ? ev(nodes[0]) : context.self ?? '');
const own = (object, key) => (object && Object.hasOwn(object, key) ? object[key] : undefined);

/** A substr() position as slice reads it: NaN is 0, a negative one counts from the end. */
function position(x, length) {
  const whole = Math.trunc(x);
  if (Number.isNaN(whole)) return 0;
  if (whole < 0) return Math.max(length + Math.max(whole, -length), 0);
  return Math.min(whole, length);
}

function substr(ev, nodes) {
  const characters = Array.from(toText(ev(nodes[0]))); // code points, as the server counts them
  const start = position(toNumber(ev(nodes[1])), characters.length);
  const end = nodes.length > 2 ? position(toNumber(ev(nodes[2])), characters.length) : characters.length;
  return characters.slice(start, end).join('');
}

function translate(text, source, target) {
  const from = Array.from(source);
  const to = Array.from(target);
  const table = new Map();
  from.forEach((character, i) => { if (!table.has(character)) table.set(character, i < to.length ? to[i] : ''); });
  return Array.from(text).map((character) => (table.has(character) ? table.get(character) : character)).join('');
}

function uuid(ev, nodes, context) {
  const random = (count) => { // getRandomValues fills at most 65,536 bytes a call
    const bytes = new Uint8Array(count);
    for (let at = 0; at < count; at += 65536) globalThis.crypto.getRandomValues(bytes.subarray(at, at + 65536));
    return bytes;
  };
  if (!nodes.length) {
    const bytes = random(16);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // RFC 4122 version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // and its variant
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const length = Math.trunc(toNumber(ev(nodes[0])));
  if (!(length > 0)) return '';
  context.budget.ensure(length);
  return Array.from(random(length), (b) => ALPHANUMERIC[b % 62]).join('');
}

// jr:choice-name(value, '${question}'): the parser made the quoted name a ['ref', name] (expressions.py).
function choiceName(ev, [value, question], context) {
  const choice = toText(ev(value));
  ev(question); // a step, as the server counts it
  const label = question[0] === 'ref' ? own(own(context.labels, question[1]), choice) : undefined;
  return label === undefined ? '' : toText(label);
}

function dateOf(ev, nodes) {
  const value = ev(nodes[0]);
  return moment(typeof value === 'string' ? value : null, toNumber(value));
}

function format(ev, nodes, context) {
  const when = dateOf(ev, nodes);
  const pattern = toText(ev(nodes[1]));
  return when ? formatMoment(when, pattern, context.language ?? 'es') : '';
}

/** The arguments' values, a node-set's nodes each in its place (max(), min(), join(): spec, XPath 3.0). */
const allNodes = (ev, nodes) => nodes.flatMap((node) => nodesOf(ev(node)));

const extremeOf = (larger) => (ev, nodes) => {
  const values = allNodes(ev, nodes).map(toNumber);
  return values.length ? extreme(values, larger) : NaN; // of no nodes at all: NaN
};

function join(ev, [separator, ...parts]) {
  const between = toText(ev(separator));
  return allNodes(ev, parts).map(toText).join(between);
}

function sum(ev, [nodes]) {
  let total = 0;
  for (const node of nodesOf(ev(nodes))) total += toNumber(node); // left to right, as the server adds
  return total;
}

/** indexed-repeat(${q}, ${repeat1}, n1, …): the references are names, not values; the indexes run left to right. */
function indexedRepeat(ev, nodes, context) {
  const pairs = [];
  for (let at = 1; at < nodes.length; at += 2) pairs.push([nodes[at][1], toNumber(ev(nodes[at + 1]))]);
  return context.scope.indexed(nodes[0][1], pairs);
}

const cell = (row, at) => (Array.isArray(row) && at < row.length && typeof row[at] === 'string' ? row[at] : '');

/** pulldata('stem', 'column', 'key column', key): `column` of the first row whose key column is `key`. */
function pulldata(ev, nodes, context) {
  const [stem, column, keyColumn, key] = texts(ev, nodes);
  const { tables, lookups } = context.scope;
  const table = own(tables, stem);
  if (!table || typeof table !== 'object' || Array.isArray(table)) return '';
  const columns = Array.isArray(table.columns) ? table.columns : [];
  if (!columns.includes(column) || !columns.includes(keyColumn)) return '';
  const lookup = JSON.stringify([stem, keyColumn]);
  if (!lookups.has(lookup)) { // indexed once per visit: a calculate in each of 200 instances reads it 200 times
    const at = columns.indexOf(keyColumn);
    const rows = new Map();
    for (const row of Array.isArray(table.rows) ? table.rows : []) if (!rows.has(cell(row, at))) rows.set(cell(row, at), row);
    lookups.set(lookup, rows);
  }
  const rows = lookups.get(lookup);
  return rows.has(key) ? cell(rows.get(key), columns.indexOf(column)) : '';
}

function before(text, part) {
  const at = text.indexOf(part);
  return at >= 0 ? text.slice(0, at) : '';
}

function after(text, part) {
  const at = text.indexOf(part);
  return at >= 0 ? text.slice(at + part.length) : '';
}

// A Map, so that no name an AST carries ('constructor', 'toString') reaches Object.prototype.
export const FUNCTIONS = new Map(Object.entries({
  selected: (ev, [list, value]) => {
    const choices = tokens(ev(list));
    return choices.includes(toText(ev(value)).replace(XML_SPACE_AROUND, ''));
  },
  'count-selected': (ev, [list]) => tokens(ev(list)).length,
  'selected-at': (ev, [list, at]) => {
    const choices = tokens(ev(list));
    const index = Math.trunc(toNumber(ev(at)));
    return index >= 0 && index < choices.length ? choices[index] : '';
  },
  'jr:choice-name': choiceName,
  'string-length': onTexts((text) => Array.from(text).length), // characters, not UTF-16 units
  regex: onTexts(regex),
  if: (ev, [condition, yes, no]) => (toBoolean(ev(condition)) ? ev(yes) : ev(no)),
  coalesce: (ev, [a, b]) => {
    const first = ev(a);
    return toText(first) !== '' ? first : ev(b);
  },
  once: (ev, [calculation], context) => (toText(context.self ?? '') === '' ? ev(calculation) : context.self),
  concat: onTexts((...parts) => parts.join('')),
  join,
  substr,
  'substring-before': onTexts(before),
  'substring-after': onTexts(after),
  contains: onTexts((text, part) => text.includes(part)),
  'starts-with': onTexts((text, part) => text.startsWith(part)),
  'ends-with': onTexts((text, part) => text.endsWith(part)),
  translate: onTexts(translate),
  'normalize-space': (ev, nodes, context) => toText(selfOr(ev, nodes, context)).replace(WHITESPACE, ' ')
    .replace(/^ | $/g, ''),
  string: (ev, nodes, context) => toText(selfOr(ev, nodes, context)),
  uuid,
  number: (ev, nodes, context) => toNumber(selfOr(ev, nodes, context)),
  int: onNumbers(Math.trunc),
  round: (ev, [x, digits]) => {
    const value = toNumber(ev(x));
    return roundTo(value, digits === undefined ? undefined : toNumber(ev(digits)));
  },
  pow: onNumbers(power),
  abs: onNumbers(Math.abs),
  floor: onNumbers(Math.floor),
  ceiling: onNumbers(Math.ceil),
  sqrt: onNumbers(squareRoot),
  pi: () => Math.PI,
  random: () => Math.random(),
  exp10: onNumbers((x) => power(10, x)),
  ...Object.fromEntries(['log', 'log10', 'exp', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2']
    .map((name) => [name, onNumbers((...xs) => significant(Math[name](...xs)))])),
  max: extremeOf(true),
  min: extremeOf(false),
  not: (ev, [a]) => !toBoolean(ev(a)),
  true: () => true,
  false: () => false,
  boolean: (ev, [a]) => toBoolean(ev(a)),
  'boolean-from-string': onTexts((text) => text === 'true' || text === '1'), // spec: anything else is false
  today: (ev, nodes, context) => context.today ?? '',
  now: (ev, nodes, context) => context.now ?? '',
  date: (ev, nodes) => {
    const when = dateOf(ev, nodes);
    return when ? isoDay(when.day) : '';
  },
  'decimal-date-time': onNumbers((x) => x), // number() already reads dates and dateTimes (spec: number())
  'decimal-time': onTexts(dayFraction),
  'format-date': format,
  'format-date-time': format,
  position: (ev, nodes, context) => context.scope.position(), // position(..): the parser allows no other argument
  'indexed-repeat': indexedRepeat,
  count: (ev, [nodes]) => { // the parser lets only ${name} through: a question outside repeats is one node
    const value = ev(nodes);
    return value instanceof Nodeset ? value.nodes.length : 1;
  },
  'count-non-empty': (ev, [nodes]) => nodesOf(ev(nodes)).filter((node) => toText(node) !== '').length,
  sum,
  pulldata,
}));
