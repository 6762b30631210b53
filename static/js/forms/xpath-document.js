// A visit's answers as XPath reads them, repeats included (forms-v3 §3): the value at each path and the number
// of instances of each repeat, and the scope an expression of one instance evaluates in. The same as
// fieldwork/forms/xpath_document.py: paths `products[2].units`, contexts [['products', 2], ['sizes', 1]]; for
// ${x} inside repeats R1..Rk the levels the context shares use its index and the deeper ones take every
// instance, so ${x} is one value when all are shared and a Nodeset otherwise. Names are data: Maps throughout.
import { Nodeset, toText } from './xpath-values.js';

/** The path prefix of an instance: 'products[2].sizes[1].' ('' at the top). */
export const prefix = (context) => context.map(([repeat, index]) => `${repeat}[${index}].`).join('');

/**
 * The flat list with each repeat made one node {item, kind: 'repeat', children} from begin_repeat/end_repeat
 * markers (the stored definition) or from a repeat item's `children` (the API's); other items are nodes of
 * kind = their type, group markers included (a group only passes its relevance on).
 */
export function outline(items) {
  if (!outlines.has(items)) outlines.set(items, outlineOf(items));
  return outlines.get(items);
}

// A form's items → its outline and its names' places: the phone walks the same definition on every answer,
// and a definition's items are never changed in place, so both are built once per form (read-only after).
const outlines = new WeakMap();
const places = new WeakMap();

function outlineOf(items) {
  const root = [];
  const pending = [[items, root]];
  while (pending.length) {
    const [source, into] = pending.pop();
    const levels = [into];
    for (const item of source) {
      const type = item.type;
      if (type === 'end_repeat') {
        if (levels.length > 1) levels.pop();
        continue;
      }
      const node = { item, kind: type === 'begin_repeat' ? 'repeat' : type, children: [] };
      levels[levels.length - 1].push(node);
      if (type === 'begin_repeat') levels.push(node.children);
      else if (type === 'repeat') pending.push([item.children || [], node.children]);
    }
  }
  return root;
}

/** Every node in form order (depth first) with the names of the repeats that hold it; no recursion. */
export function* inOrder(nodes) {
  const stack = [{ left: nodes[Symbol.iterator](), repeats: [] }];
  while (stack.length) {
    const { left, repeats } = stack[stack.length - 1];
    const next = left.next();
    if (next.done) { stack.pop(); continue; }
    const node = next.value;
    yield [node, repeats];
    if (node.children.length) {
      stack.push({ left: node.children[Symbol.iterator](),
        repeats: node.kind === 'repeat' ? [...repeats, node.item.name] : repeats });
    }
  }
}

/** {ancestors: name → the repeats holding it, children: repeat → its direct items (through its groups), in form order}. */
function placesOf(items) {
  const ancestors = new Map();
  const children = new Map();
  for (const [node, repeats] of inOrder(outline(items))) {
    if (node.kind === 'begin_group' || node.kind === 'end_group') continue;
    const { name } = node.item;
    ancestors.set(name, repeats);
    if (repeats.length) children.get(repeats[repeats.length - 1]).push(name);
    if (node.kind === 'repeat') children.set(name, []);
  }
  return { ancestors, children };
}

export class Document {
  constructor(items, tables) {
    if (!places.has(items)) places.set(items, placesOf(items));
    const { ancestors, children } = places.get(items);
    this.ancestors = ancestors;
    this.children = children;
    this.values = new Map();
    this.counts = new Map();
    this.tables = tables && typeof tables === 'object' && !Array.isArray(tables) ? tables : {};
    this.lookups = new Map(); // pulldata()'s indexes, built once per visit
  }

  scope(context) {
    return {
      reference: (name) => this.resolve(name, context),
      // position(..): the index of the innermost instance holding the item (the root's 1 outside repeats)
      position: () => (context.length ? context[context.length - 1][1] : 1),
      indexed: (name, pairs) => this.indexed(name, pairs),
      tables: this.tables,
      lookups: this.lookups,
    };
  }

  count(path) {
    return this.counts.get(path) ?? 0;
  }

  value(path) {
    return this.values.has(path) ? this.values.get(path) : '';
  }

  /** ${name} read from an item of instance `context`. */
  resolve(name, context) {
    const ancestors = this.ancestors.get(name);
    if (!ancestors) return ''; // a name the form does not have (a hand-edited definition): unanswered
    let prefixes = [''];
    let shared = true;
    ancestors.forEach((repeat, level) => {
      if (shared && level < context.length && context[level][0] === repeat) {
        prefixes = prefixes.map((p) => `${p}${repeat}[${context[level][1]}].`);
      } else {
        shared = false;
        prefixes = prefixes.flatMap((p) => this.instances(p, repeat));
      }
    });
    if (this.children.has(name)) { // ${repeat}: its instances, each read as the text of its nodes
      return new Nodeset(prefixes.flatMap((p) => this.instances(p, name)).map((instance) => this.text(instance, name)));
    }
    if (shared) return this.value(prefixes[0] + name);
    return new Nodeset(prefixes.map((p) => this.value(p + name)));
  }

  /** The prefixes of the instances of `repeat` under `at`. */
  instances(at, repeat) {
    return Array.from({ length: this.count(at + repeat) }, (_, i) => `${at}${repeat}[${i + 1}].`);
  }

  text(instance, repeat) {
    return this.children.get(repeat).map((child) => (this.children.has(child)
      ? this.instances(instance, child).map((nested) => this.text(nested, child)).join('')
      : toText(this.value(instance + child)))).join('');
  }

  /**
   * indexed-repeat(): ${name} in the instance the [repeat, index] pairs name from the top; '' when an index is
   * not one of an existing instance, or a repeat is not one holding the question.
   */
  indexed(name, pairs) {
    const ancestors = this.ancestors.get(name) || [];
    if (pairs.length > ancestors.length || pairs.some(([repeat], level) => ancestors[level] !== repeat)) return '';
    const context = [];
    for (const [repeat, index] of pairs) {
      if (!(Number.isInteger(index) && index >= 1 && index <= this.count(prefix(context) + repeat))) return '';
      context.push([repeat, index]);
    }
    const value = this.resolve(name, context);
    if (value instanceof Nodeset) return value.nodes.length ? value.nodes[0] : ''; // a single node value: the first
    return value;
  }
}

const labelTables = new WeakMap(); // an outline (built once per form, outline() above) → its labels

/** {question: {choice: label}} for jr:choice-name(), inside repeats too; own properties only. Read-only. */
export function labelsOf(tree) {
  if (!labelTables.has(tree)) labelTables.set(tree, labelsIn(tree));
  return labelTables.get(tree);
}

function labelsIn(tree) {
  const labels = Object.create(null);
  for (const [node] of inOrder(tree)) {
    if (node.item.choices?.length) labels[node.item.name] = Object.fromEntries(node.item.choices.map((c) => [c.name, c.label]));
  }
  return labels;
}
