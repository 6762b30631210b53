// The Validation walk of API.md's forms paragraph (forms-v3 §4), the same on the phone as on the server
// (fieldwork/forms/answers.py and answers_walk.py, with answer_limits.py's bounds): what the phone accepts, the
// server accepts, with the same message under the same key. Paths: a top-level item's is its name, inside
// repeats `products[2].units`, nested `products[2].sizes[1].qty`. Pure: no DOM, no storage. Question names
// are data, never object keys ('constructor', '__proto__' are names like any other): Maps throughout.
import {
  ANSWERED, MAX_ANSWERS_BYTES, MAX_TEXT_CHARS, TYPE_ERRORS, characters, isEmpty, jsonSize, message, xpathValue,
} from './answer-types.js';
import { Budget, EvaluationError, evaluate, prepareFunctions, toBoolean, toNumber, toText } from './xpath.js';
import { Document, inOrder, labelsOf, outline, prefix } from './xpath-document.js';

export { ANSWERED, isEmpty, message };

/** At most this many instances in one repeat's list (forms-v3 §2); a repeat_count is capped there too. */
export const MAX_INSTANCES = 200;
/** Repeats nested deeper than this are not walked (the server's walk recurses once per level): answers inside
 * one stop the walk as an expression that cannot be computed would. */
export const MAX_DEPTH = 30;

/** An expression of the item at `path` failed: the walk ends with `reason` under answers.<path>. */
class Stopped extends Error {
  constructor(path, reason) {
    super(reason);
    this.path = path;
    this.reason = reason;
  }
}

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isMarker = (kind) => kind === 'begin_group' || kind === 'end_group';

/** A repeat's instances, or none and why: not a list of objects, or more than MAX_INSTANCES. */
function instancesOf(raw) {
  if (isEmpty(raw)) return { instances: [], problem: null };
  if (!Array.isArray(raw) || !raw.every(isPlainObject)) return { instances: [], problem: 'form_repeat_list' };
  if (raw.length > MAX_INSTANCES) return { instances: [], problem: 'form_repeat_too_many' };
  return { instances: raw, problem: null };
}

/** A repeat_count's value as a number of instances: floored, NaN or negative 0, at most MAX_INSTANCES. */
function instanceCount(value) {
  const number = toNumber(value);
  return Number.isNaN(number) || number < 0 ? 0 : Math.floor(Math.min(number, MAX_INSTANCES));
}

/** What a choice_filter's bare names read: the choice's extra columns, its name and label. */
const columnsOf = (choice) => ({ ...Object.fromEntries(Object.entries(choice.columns || {})), name: choice.name,
  label: choice.label });

/** Await before walk(): fetches what `definition`'s expressions need beyond the core library (xpath.js). */
export function prepareWalk(definition) {
  const asts = [definition?.instance_name_ast];
  for (const [node] of inOrder(outline(definition?.questions || []))) asts.push(...Object.values(node.item.ast || {}));
  return prepareFunctions(asts);
}

/**
 * The contract's walk over `definition` (its questions, tables, instance_name_ast) with `answers` (as the API
 * carries them) on the visit's day `today` at the moment `now` (visited_at in the programme's zone with its
 * offset, visit-questions.js visitMoment). format-date()'s names and jr:choice-name()'s labels are in
 * `definition.language` (es when absent). Returns {answers (what the server keeps, objects without prototype),
 * errors ({"answers.<path>": [message]}), relevant (Map path → bool: items, repeats and their instances),
 * values (Map path → what expressions read; a repeat's path → its instances, an instance's → its index),
 * choices (Map path → the choice names a choice_filter lets through), counts (Map repeat path → the instances
 * its repeat_count asks), title (instance_name's value, '' when none or when it cannot be computed)}.
 */
export function walk(definition, answers, today, now = '') {
  const refused = (key, code) => ({ answers: {}, errors: { [key]: [message(code)] }, relevant: new Map(),
    values: new Map(), choices: new Map(), counts: new Map(), title: '' });
  if (answers != null && !isPlainObject(answers)) return refused('answers', 'form_not_object');
  const given = answers || {};
  if (jsonSize(given) > MAX_ANSWERS_BYTES) return refused('answers', 'form_too_large'); // before any work on them
  return new Walk(definition || {}, today, now).judge(given);
}

class Walk {
  constructor(definition, today, now) {
    const questions = definition.questions || [];
    this.tree = outline(questions);
    this.document = new Document(questions, definition.tables);
    this.titleAst = definition.instance_name_ast;
    this.moment = { today, now, language: definition.language ?? 'es', labels: labelsOf(this.tree) };
    this.budget = new Budget(); // one for the whole visit, as on the server
    this.typed = new Map(); // path → {value, problem}
    this.lists = new Map(); // repeat path → {instances, problem}
    this.errors = {}; // keys are "answers.<path>": never a prototype's property
    this.relevant = new Map();
    this.choices = new Map();
    this.counts = new Map();
  }

  judge(answers) {
    this.load(this.tree, answers, []);
    const result = (clean, title) => ({ answers: clean, errors: this.errors, relevant: this.relevant,
      values: this.document.values, choices: this.choices, counts: this.counts, title });
    let clean;
    try {
      clean = this.level(this.tree, [], true);
    } catch (error) {
      if (!(error instanceof Stopped)) throw error;
      this.errors[`answers.${error.path}`] = [message(`form_${error.reason}`)];
      return result({}, '');
    }
    if (jsonSize(clean) > MAX_ANSWERS_BYTES) this.errors.answers = [message('form_too_large')]; // calculates add to it
    return result(clean, this.title());
  }

  /** instance_name's value after the walk ('' when the form has none or it cannot be computed). */
  title() {
    if (this.titleAst == null) return '';
    try {
      return toText(this.evaluate(this.titleAst, []));
    } catch (error) {
      if (error instanceof EvaluationError) return '';
      throw error;
    }
  }

  /** Before the walk, what expressions read: every answer that fits its type, every well-formed list's
   * instances; a name the level does not have is refused wherever it is. */
  load(nodes, holder, context) {
    const level = new Map(nodes.filter((node) => !isMarker(node.kind)).map((node) => [node.item.name, node]));
    for (const [name, raw] of Object.entries(holder)) {
      const node = level.get(name);
      const path = prefix(context) + name;
      if (!node || node.kind === 'note') this.errors[`answers.${path}`] = [message('form_unknown')];
      else if (node.kind === 'repeat') {
        let list = instancesOf(raw);
        if (context.length >= MAX_DEPTH && list.instances.length) list = { instances: [], problem: 'too_deep' };
        this.lists.set(path, list);
        this.document.counts.set(path, list.instances.length);
        list.instances.forEach((instance, i) => this.load(node.children, instance, [...context, [name, i + 1]]));
      } else if (ANSWERED.has(node.kind) && !isEmpty(raw)) {
        const question = node.item;
        const problem = TYPE_ERRORS[node.kind](raw, (question.choices || []).map((c) => c.name), question);
        this.typed.set(path, { value: raw, problem });
        if (!problem) this.document.values.set(path, xpathValue(question, raw));
      }
    }
  }

  evaluate(ast, context, self = '', columns = undefined, budget = this.budget) {
    return evaluate(ast, { self, ...this.moment, columns, budget, scope: this.document.scope(context) });
  }

  run(path, ast, context, self = '', columns = undefined) {
    try {
      return this.evaluate(ast, context, self, columns);
    } catch (error) {
      if (error instanceof EvaluationError) throw new Stopped(path, error.reason);
      throw error;
    }
  }

  level(nodes, context, relevant) {
    const clean = Object.create(null);
    const groups = []; // is each enclosing group of this level relevant
    for (const node of nodes) {
      const { item, kind } = node;
      if (kind === 'end_group') { groups.pop(); continue; }
      const { name } = item;
      const path = prefix(context) + name;
      const ast = item.ast || {};
      const here = relevant && groups.every(Boolean) && (!ast.relevant || toBoolean(this.run(path, ast.relevant, context)));
      this.relevant.set(path, here);
      if (kind === 'begin_group') groups.push(here);
      else if (kind === 'repeat') {
        const kept = this.repeat(node, path, context, here);
        if (kept.length) clean[name] = kept;
      } else if (!here) this.document.values.set(path, ''); // later expressions read it unanswered; its answer is dropped
      else if (kind === 'calculate') {
        const value = this.calculate(path, ast, context);
        if (value !== '') clean[name] = value;
      } else if (ANSWERED.has(kind)) {
        const wrong = this.answerError(item, path, context);
        if (wrong) this.errors[`answers.${path}`] = [wrong];
        else if (this.typed.has(path)) clean[name] = this.typed.get(path).value;
      }
    }
    return clean;
  }

  calculate(path, ast, context) {
    const value = ast.calculation ? toText(this.run(path, ast.calculation, context)) : '';
    this.document.values.set(path, value);
    if (characters(value) > MAX_TEXT_CHARS) throw new Stopped(path, 'calculation_too_long');
    return value;
  }

  /** The kept instances of a relevant repeat (a non-relevant one is dropped whole: no instances to read). */
  repeat(node, path, context, relevant) {
    const { instances, problem } = this.lists.get(path) || { instances: [], problem: null };
    const instancePath = (i) => `${path}[${i + 1}]`;
    if (!relevant) {
      this.document.counts.set(path, 0);
      instances.forEach((_, i) => this.relevant.set(instancePath(i), false));
      return [];
    }
    if (problem === 'too_deep') throw new Stopped(path, 'invalid');
    if (problem) this.errors[`answers.${path}`] = [message(problem)];
    const ast = node.item.ast || {};
    if (ast.repeat_count) {
      const wanted = instanceCount(this.run(path, ast.repeat_count, context));
      this.counts.set(path, wanted);
      if (!problem && instances.length !== wanted) this.errors[`answers.${path}`] = [message('form_repeat_count')];
    }
    this.document.values.set(path, instances.length);
    return instances.map((_, i) => {
      this.relevant.set(instancePath(i), true);
      this.document.values.set(instancePath(i), i + 1);
      return this.level(node.children, [...context, [node.item.name, i + 1]], true);
    });
  }

  /** required, then the type, then a choice_filter, then the constraint: the first that fails. */
  answerError(question, path, context) {
    const ast = question.ast || {};
    if (ast.choice_filter) this.choices.set(path, this.allowed(question, context));
    const typed = this.typed.get(path);
    if (!typed) return question.required ? question.required_message || message('form_required') : null;
    if (typed.problem) return typed.problem;
    if (ast.choice_filter) {
      const byName = new Map((question.choices || []).map((c) => [c.name, c]));
      for (const chosen of Array.isArray(typed.value) ? typed.value : [typed.value]) {
        if (!toBoolean(this.run(path, ast.choice_filter, context, '', columnsOf(byName.get(chosen))))) {
          return message('form_choice');
        }
      }
    }
    if (ast.constraint && !toBoolean(this.run(path, ast.constraint, context, this.document.value(path)))) {
      return question.constraint_message || message('form_constraint');
    }
    return null;
  }

  /** The choices a choice_filter lets through, for the page: on a budget of its own, so that showing a long
   * list costs the verdict nothing (the verdict judges the chosen ones only, as the server does); all of
   * them when it cannot be computed. */
  allowed(question, context) {
    const budget = new Budget();
    try {
      return (question.choices || []).filter((choice) => toBoolean(
        this.evaluate(question.ast.choice_filter, context, '', columnsOf(choice), budget))).map((c) => c.name);
    } catch (error) {
      if (error instanceof EvaluationError) return (question.choices || []).map((c) => c.name);
      throw error;
    }
  }
}

/** The server's verdict, on the phone: {answers (what it keeps), errors}. */
export function validateAnswers(definition, answers, today, now = '') {
  const { answers: clean, errors } = walk(definition, answers, today, now);
  return { answers: clean, errors };
}
