// What the officer has typed, held as a tree beside the page: top-level questions by name, a repeat as a
// list of instances, each with its own answers (and nested repeats). The page's inputs write into it one
// question at a time, drafts are read from it (never from the DOM), and the walk's answers are built from it
// (forms-v3-spec §2: a repeat's answer is a list of objects, one per instance, in order).
import { formatNumber, parseDecimal } from '../numbers.js';

/** Items never drawn: the phone fills them itself (spec §1, metadata). */
export const METADATA = new Set(['start', 'end', 'today', 'username', 'deviceid', 'audit']);

/** What a widget holds when its inputs do not read as its type (a half-typed time): not an empty answer. */
export const UNREADABLE = Object.freeze({ unreadable: true });

/**
 * The definition's questions as the walk reads them: a flat list with group and repeat markers. The API
 * shows a repeat as one item with `children`; a version fetched from it is laid flat again here.
 */
export function flatQuestions(questions) {
  return (questions || []).flatMap((item) => {
    if (item.type !== 'repeat' || !Array.isArray(item.children)) return [item];
    const { children, ...marker } = item;
    return [{ ...marker, type: 'begin_repeat' }, ...flatQuestions(children), { type: 'end_repeat', name: item.name }];
  });
}

/** The flat list as a tree: {kind: 'question'|'group'|'repeat', item, children?}. */
export function itemTree(questions) {
  const root = { children: [] };
  const stack = [root];
  for (const item of questions) {
    const top = stack[stack.length - 1];
    if (item.type === 'begin_group' || item.type === 'begin_repeat') {
      const node = { kind: item.type === 'begin_group' ? 'group' : 'repeat', item, children: [] };
      top.children.push(node);
      stack.push(node);
    } else if (item.type === 'end_group' || item.type === 'end_repeat') {
      if (stack.length > 1) stack.pop();
    } else {
      top.children.push({ kind: 'question', item });
    }
  }
  return root.children;
}

/** The questions and repeats of one level, through its groups (an instance's keys, spec §2). */
export function levelOf(nodes) {
  return nodes.flatMap((node) => (node.kind === 'group' ? levelOf(node.children) : [node]));
}

/** A question's `default` as the officer would type it (the workbook writes 2.5, Colombia 2,5). */
export function defaultRaw(question) {
  const value = question.default ?? '';
  return question.type === 'decimal' ? String(value).replace('.', ',') : value;
}

/** A returned visit's stored answer as the page holds it: a number inside a repeat as the officer would type
 * it (35.5 → "35,5"; answer-values.js does so for the top level), a range's written number back to the number
 * its widget takes. */
function typedNumber(question, value) {
  if (typeof value === 'number' && (question.type === 'integer' || question.type === 'decimal')) return formatNumber(value);
  if (question.type !== 'range' || typeof value !== 'string' || value.trim() === '') return value;
  const read = parseDecimal(value, { allowNegative: true });
  return read.error ? value : read.value;
}

let nextKey = 1; // instances keep a key of their own, so an undo or a move finds the same one

/** One instance of a repeat whose items are `nodes`, from what a draft kept (`raw`) or the defaults. */
export function newInstance(nodes, raw = null) {
  return { key: nextKey++, values: fromRaw(nodes, raw) };
}

/**
 * The tree of values from a draft's `raw` ({name: typed, repeat: [instance raw]}). A question the draft
 * does not have gets its default; a repeat it does not have starts with one instance to fill, as ODK's
 * web forms do (one with repeat_count gets the count's instances once the walk has counted them).
 */
export function fromRaw(nodes, raw) {
  const kept = raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : null;
  const values = Object.create(null); // question names are data: '__proto__' is one like any other
  for (const node of levelOf(nodes)) {
    const { name, type } = node.item;
    const has = kept !== null && Object.hasOwn(kept, name);
    if (node.kind === 'repeat') {
      const list = has && Array.isArray(kept[name]) ? kept[name] : null;
      values[name] = list ? list.map((entry) => newInstance(node.children, entry))
        : !has && !node.item.repeat_count ? [newInstance(node.children)] : [];
    } else if (!METADATA.has(type) && type !== 'note' && type !== 'calculate') {
      values[name] = has ? typedNumber(node.item, kept[name]) : defaultRaw(node.item);
    }
  }
  return values;
}

/** The tree as a draft keeps it: plain JSON, repeats as lists of instance objects. */
export function toRaw(values) {
  const out = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === UNREADABLE) out[name] = null; // the widget shows why; the draft keeps no half answer
    else out[name] = Array.isArray(value) && value.every(isInstance) ? value.map((i) => toRaw(i.values)) : value;
  }
  return out;
}

const isInstance = (value) => value !== null && typeof value === 'object' && 'key' in value && 'values' in value;

/** Whether the officer typed anything in an instance (what differs from its defaults). */
export function typedIn(nodes, values) {
  return levelOf(nodes).some((node) => {
    const value = values[node.item.name];
    if (node.kind === 'repeat') return (value || []).some((i) => typedIn(node.children, i.values));
    if (value === undefined) return false;
    const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0);
    return !empty && JSON.stringify(value) !== JSON.stringify(defaultRaw(node.item));
  });
}

/**
 * The answers the walk judges, from the tree: `parse(question, raw, path)` gives {value} or {error} for
 * each question; `shownCount(path, list)` how many of a repeat's instances count now (a repeat_count may
 * keep more in the draft than it asks). Returns {answers, unreadable: Map path → question}.
 */
export function answersOf(nodes, values, { parse, shownCount, prefix = '', unreadable = new Map() }) {
  const answers = Object.create(null);
  for (const node of levelOf(nodes)) {
    const { name, type } = node.item;
    const path = prefix + name;
    if (node.kind === 'repeat') {
      const list = (values[name] || []).slice(0, shownCount(path, values[name] || []));
      if (list.length) {
        answers[name] = list.map((instance, index) => answersOf(node.children, instance.values,
          { parse, shownCount, prefix: `${path}[${index + 1}].`, unreadable }).answers);
      }
    } else if (Object.hasOwn(values, name) && !METADATA.has(type)) {
      const parsed = parse(node.item, values[name]);
      if (parsed.error) unreadable.set(path, node.item);
      else if (!isEmptyValue(parsed.value)) answers[name] = parsed.value;
    }
  }
  return { answers, unreadable };
}

const isEmptyValue = (value) => value === undefined || value === null || value === ''
  || (Array.isArray(value) && value.length === 0);
