// Runs the phone's pure modules under node for the fast suite (tests/node/runner.py): reads
// {"kind", "cases"} as JSON on stdin and writes one answer per case as JSON on stdout, so that one
// node process judges a whole batch. Numbers that JSON cannot carry (NaN, ±Infinity) come back as text.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// PHONE_JS_ROOT: another copy of static/js/ (the minified one the server builds, tests/test_static_files.py).
const root = process.env.PHONE_JS_ROOT ? pathToFileURL(`${process.env.PHONE_JS_ROOT}/`) : new URL('../../static/js/', import.meta.url);
const load = (path) => import(new URL(path, root));

const plainNumber = (value) => (Number.isFinite(value) ? value : String(value));

const KINDS = {
  async evaluate(cases) {
    const { evaluate, Nodeset, prepareFunctions } = await load('forms/xpath.js');
    await prepareFunctions(cases.map((c) => c.ast)); // as the page does before a form's first walk
    const { Document } = await load('forms/xpath-document.js');
    // A document (tests/forms/expression_cases_repeats.json): the form's items, counts and values by path.
    const scopeOf = (document, context, tables) => {
      if (!document) return undefined;
      const built = new Document(document.items, tables);
      for (const [path, count] of Object.entries(document.counts || {})) built.counts.set(path, count);
      for (const [path, value] of Object.entries(document.values || {})) built.values.set(path, value);
      return built.scope(context || []);
    };
    const answer = (value) => {
      if (value instanceof Nodeset) return { nodes: value.nodes.map(answer) };
      return typeof value === 'number' ? { number: plainNumber(value) } : { value };
    };
    return cases.map(({ ast, values, self, today, now, language, labels, tables, columns, document, context: at }) => {
      const known = new Map(Object.entries(values || {}));
      const value = (name) => {
        const raw = known.has(name) ? known.get(name) : '';
        return raw && typeof raw === 'object' && Array.isArray(raw.nodes) ? new Nodeset(raw.nodes) : raw;
      };
      const context = { value, self, today, now, language, labels, tables, columns, scope: scopeOf(document, at, tables) };
      try {
        return answer(evaluate(ast, context));
      } catch (error) {
        return { error: error.name === 'EvaluationError' ? error.reason : String(error) };
      }
    });
  },
  async regex(cases) {
    const { allowed, search } = await load('forms/regex-dialect.js');
    return cases.map(({ pattern, text }) => ({ allowed: allowed(pattern), match: search(pattern, text) }));
  },
  async verdict(cases) {
    const { prepareWalk, validateAnswers } = await load('forms/validate.js');
    for (const { definition } of cases) await prepareWalk(definition);
    const { visitMoment } = await load('forms/visit-questions.js');
    // `visited_at` and `zone` given: now() as the visit page reads it from the visit's field.
    return cases.map(({ definition, answers, today, visited_at: visitedAt, zone }) => validateAnswers(
      definition, answers, today, visitedAt ? visitMoment(visitedAt, zone) : ''));
  },
  async walk(cases) {
    const { prepareWalk, walk } = await load('forms/validate.js');
    for (const { definition } of cases) await prepareWalk(definition);
    // Everything the walk returns, its Maps as [key, value] lists (tests/forms/test_answers_repeats.py).
    return cases.map(({ definition, answers, today, now }) => {
      const result = walk(definition, answers, today, now || '');
      return { answers: result.answers, errors: result.errors, relevant: [...result.relevant],
        choices: [...result.choices], counts: [...result.counts], title: result.title };
    });
  },
  async fold(cases) {
    const { fold } = await load('fold.js');
    return cases.map(({ text }) => fold(text));
  },
  async numbers(cases) {
    const numbers = await load('numbers.js');
    return cases.map(({ parser, raw, options }) => numbers[parser](raw, options));
  },
};

const { kind, cases } = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(await KINDS[kind](cases)));
