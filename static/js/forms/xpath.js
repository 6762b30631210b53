// The browser's evaluator of form expressions. The server parses each expression once (lark) into a
// small JSON AST that ships with the form definition; this module and fieldwork/forms/xpath.py both
// evaluate that AST with the ODK XForms spec's rules (XPath 1.0 as the spec extends it), and
// tests/forms/expression_cases*.json hold them to the same answer on every case, and a property test runs
// random expressions through both. Values are strings, numbers (NaN allowed) and booleans
// (xpath-values.js); the functions are the spec's library (xpath-library.js). A visit's walk shares one
// Budget across its expressions, as on the server: a step per node and a character per code point of
// every text a node yields. A reference reads its value through the context's scope: flatScope (names to
// values) or a visit's document inside its repeats (xpath-document.js), where ${x} may be a Nodeset;
// comparisons then hold when any node satisfies them (XPath 1.0 §3.4).
import { FUNCTIONS, prepareFunctions } from './xpath-library.js';
import { Budget, EvaluationError, Nodeset, nodesOf, toBoolean, toNumber, toText } from './xpath-values.js';

export { Budget, EvaluationError, Nodeset, prepareFunctions, toBoolean, toNumber, toText };

/**
 * References read `value(name)`: no repeats, so position(..) is the root's 1 and indexed-repeat() finds
 * nothing; pulldata() reads `tables` ({stem: {columns, rows}}).
 */
export const flatScope = (value, tables = {}) => ({
  reference: value, position: () => 1, indexed: () => '', tables: tables || {}, lookups: new Map(),
});

/**
 * XPath 1.0 §3.4: against a boolean a node-set is its boolean(); otherwise the comparison holds when it holds
 * for any node (any pair of nodes between two node-sets).
 */
function anyNode(left, right, holds) {
  if (!(left instanceof Nodeset) && !(right instanceof Nodeset)) return holds(left, right);
  if (typeof left === 'boolean' || typeof right === 'boolean') return holds(toBoolean(left), toBoolean(right));
  return nodesOf(left).some((a) => nodesOf(right).some((b) => holds(a, b)));
}

function equals(left, right) {
  if (typeof left === 'boolean' || typeof right === 'boolean') return toBoolean(left) === toBoolean(right);
  if (typeof left === 'number' || typeof right === 'number') return toNumber(left) === toNumber(right);
  return left === right;
}

/** < <= > >=: as numbers, and number() reads dates (spec §XPath Operators); NaN compares false. */
function compare(op, left, right) {
  const a = toNumber(left);
  const b = toNumber(right);
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

const ARITHMETIC = new Map(Object.entries({
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  div: (a, b) => a / b,
  mod: (a, b) => a % b, // the sign of the dividend, like C's fmod
}));

/**
 * The value of `ast` where `context` is {value(name) → the XPath value of ${name} (or scope: a
 * xpath-document.js scope inside a visit's repeats; tables → pulldata()'s, without one), columns → a
 * choice_filter's choice ({column: text}), self → the value
 * of `.`, today → 'YYYY-MM-DD', now → a dateTime with its offset, language → format-date()'s month and
 * day names ('en…' English, anything else Spanish), labels → {question: {choice: label}} for
 * jr:choice-name(), budget → the walk's Budget (a fresh one when absent)}. Throws EvaluationError when
 * the budget runs out or the tree is not one the server's parser makes.
 */
export function evaluate(ast, context) {
  const budgeted = {
    ...context,
    budget: context.budget || new Budget(),
    scope: context.scope || flatScope(context.value || (() => ''), context.tables),
  };
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
    case 'ref': return context.scope.reference(a);
    case 'self': return context.self ?? '';
    case 'col': {
      const columns = context.columns;
      const text = columns && Object.hasOwn(columns, a) ? columns[a] : '';
      return typeof text === 'string' ? text : '';
    }
    case 'neg': return -toNumber(ev(a));
    case 'or': return toBoolean(ev(a)) || toBoolean(ev(b));
    case 'and': return toBoolean(ev(a)) && toBoolean(ev(b));
    case '=': return anyNode(ev(a), ev(b), equals);
    case '!=': return anyNode(ev(a), ev(b), (x, y) => !equals(x, y));
    case '<': case '<=': case '>': case '>=': return anyNode(ev(a), ev(b), (x, y) => compare(op, x, y));
    case 'call': {
      const fn = FUNCTIONS.get(a);
      if (!fn) throw new EvaluationError('invalid');
      return fn(ev, ast.slice(2), context);
    }
    default: {
      const arithmetic = ARITHMETIC.get(op);
      if (!arithmetic) throw new EvaluationError('invalid');
      return arithmetic(toNumber(ev(a)), toNumber(ev(b)));
    }
  }
}
