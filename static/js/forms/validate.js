// The Validation walk of API.md's forms paragraph, the same on the phone as on the server
// (fieldwork/forms/answers.py: validate_answers, with answer_limits.py's bounds): what the phone accepts,
// the server accepts, with the same message under the same key. Pure: no DOM, no storage. Question names
// are data, never object keys ('constructor', '__proto__' are names like any other): Maps throughout.
import {
  ANSWERED, MAX_ANSWERS_BYTES, MAX_TEXT_CHARS, TYPE_ERRORS, characters, isEmpty, jsonSize, message, xpathValue,
} from './answer-types.js';
import { Budget, EvaluationError, evaluate, toBoolean, toText } from './xpath.js';

export { ANSWERED, isEmpty, message };

/** An expression of item `name` failed: the walk ends with `reason` under answers.<name>. */
class Stopped extends Error {
  constructor(name, reason) {
    super(reason);
    this.question = name;
    this.reason = reason;
  }
}

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The contract's walk over `definition`'s questions with `answers` ({name: value}, as the API carries
 * them) on the visit's day `today` at the moment `now` (visited_at in the programme's zone with its offset,
 * visit-questions.js visitMoment), step for step fieldwork/forms/answers.py's validate_answers.
 * format-date()'s names and jr:choice-name()'s labels are in `definition.language` (es when absent): the
 * language its labels were localized to, the page's, which is the officer's own on the server too.
 * Returns {answers (what the server keeps: relevant, valid answers and the non-empty calculates, as an
 * object without prototype), errors ({"answers.<name>": [message]}), relevant (Map name → bool),
 * values (Map name → what expressions read)}.
 */
export function walk(definition, answers, today, now = '') {
  const refused = (key, code) => ({ answers: {}, errors: { [key]: [message(code)] }, relevant: new Map(), values: new Map() });
  if (answers != null && !isPlainObject(answers)) return refused('answers', 'form_not_object');
  const given = answers || {};
  if (jsonSize(given) > MAX_ANSWERS_BYTES) return refused('answers', 'form_too_large'); // before any work on them
  const byName = new Map((definition?.questions || [])
    .filter((q) => q.type !== 'begin_group' && q.type !== 'end_group').map((q) => [q.name, q]));
  const errors = {}; // keys are "answers.<name>": never a prototype's property
  const typed = new Map(); // name → {value, problem}, for every non-empty answer to a question one answers
  for (const [name, raw] of Object.entries(given)) {
    const question = byName.get(name);
    if (!question || question.type === 'note') errors[`answers.${name}`] = [message('form_unknown')];
    else if (ANSWERED.has(question.type) && !isEmpty(raw)) {
      typed.set(name, { value: raw, problem: TYPE_ERRORS[question.type](raw, (question.choices || []).map((c) => c.name)) });
    }
  }
  // Expressions read the answers that fit their type (a calculate is computed here, whatever was sent).
  const values = new Map();
  for (const [name, { value, problem }] of typed) if (!problem) values.set(name, xpathValue(byName.get(name), value));
  const relevant = new Map();
  try {
    const moment = { today, now, language: definition?.language ?? 'es', labels: labels(definition?.questions || []) };
    const clean = walkItems(definition?.questions || [], typed, values, relevant, moment, errors);
    if (jsonSize(clean) > MAX_ANSWERS_BYTES) errors.answers = [message('form_too_large')]; // calculates add to it
    return { answers: clean, errors, relevant, values };
  } catch (error) {
    if (!(error instanceof Stopped)) throw error;
    errors[`answers.${error.question}`] = [message(`form_${error.reason}`)];
    return { answers: {}, errors, relevant, values };
  }
}

/** {question: {choice: label}} for jr:choice-name(): own properties only, so '__proto__' is a name like any other. */
const labels = (questions) => Object.fromEntries(questions.filter((q) => q.choices?.length)
  .map((q) => [q.name, Object.fromEntries(q.choices.map((c) => [c.name, c.label]))]));

function walkItems(items, typed, values, relevant, moment, errors) {
  const budget = new Budget(); // one for the whole visit, as on the server
  const context = (self) => ({ value: (name) => (values.has(name) ? values.get(name) : ''), self, ...moment, budget });
  const run = (name, ast, self = '') => {
    try {
      return evaluate(ast, context(self));
    } catch (error) {
      if (error instanceof EvaluationError) throw new Stopped(name, error.reason);
      throw error;
    }
  };
  const clean = Object.create(null);
  const groups = [];
  for (const item of items) {
    const { type, name } = item;
    const ast = item.ast || {};
    if (type === 'end_group') { groups.pop(); continue; }
    const here = groups.every(Boolean) && (!ast.relevant || toBoolean(run(name, ast.relevant)));
    relevant.set(name, here);
    if (type === 'begin_group') groups.push(here);
    else if (!here) values.set(name, ''); // later expressions read it unanswered; its answer, even a malformed one, is dropped
    else if (type === 'calculate') {
      const value = toText(run(name, ast.calculation));
      values.set(name, value);
      if (characters(value) > MAX_TEXT_CHARS) throw new Stopped(name, 'calculation_too_long');
      if (value !== '') clean[name] = value;
    } else if (ANSWERED.has(type)) {
      const wrong = answerError(item, typed.get(name), values, run);
      if (wrong) errors[`answers.${name}`] = [wrong];
      else if (typed.has(name)) clean[name] = typed.get(name).value;
    }
  }
  return clean;
}

/** required, then the type, then the constraint: the first that fails. */
function answerError(question, typed, values, run) {
  if (!typed) return question.required ? question.required_message || message('form_required') : null;
  if (typed.problem) return typed.problem;
  const constraint = question.ast?.constraint;
  if (constraint && !toBoolean(run(question.name, constraint, values.get(question.name)))) {
    return question.constraint_message || message('form_constraint');
  }
  return null;
}

/** The server's verdict, on the phone: {answers (what it keeps), errors}. */
export function validateAnswers(definition, answers, today, now = '') {
  const { answers: clean, errors } = walk(definition, answers, today, now);
  return { answers: clean, errors };
}
