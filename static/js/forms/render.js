// The programme's questions drawn into a page, live: relevance shows and hides, calculates and notes
// update, a failed constraint shows its message beside the field, repeats are cards (repeat-cards.js). The
// verdict comes from validate.js, the same walk the server runs, so what this page lets through the server
// accepts. What is typed is held in a tree (repeat-state.js): an input writes its one question there, the
// walk and the draft read the tree, and the page is touched only where the verdict changed.
import { ANSWERED, isEmpty, prepareWalk, walk } from './validate.js';
import {
  el, errorsToRedraw, labelText, loadWidgets, questionBlock, showError, showFormErrors,
} from './question-blocks.js';
import { METADATA, UNREADABLE, answersOf, flatQuestions, fromRaw, itemTree, toRaw } from './repeat-state.js';
import { parseRaw, same, shown, unreadableMessage } from './typed-values.js';

const listening = new WeakMap(); // container → the AbortController of its current form's listeners
let repeatCards = null; // repeat-cards.js once a form with a repeat was prepared

/** Await before renderForm(): fetches the modules `source` needs beyond the plain questions' (the widgets,
 * the repeats' cards, regex()'s dialect: most programme forms use none, and their phones need not parse them). */
export async function prepareForm(source) {
  const questions = flatQuestions(source.questions);
  const repeats = !repeatCards && questions.some((q) => q.type === 'begin_repeat');
  await Promise.all([loadWidgets(questions), prepareWalk(source),
    repeats ? import('./repeat-cards.js').then((m) => { repeatCards = m; }) : null]);
}

/**
 * Render `definition` into `container`. `raw` is what a draft kept (name → typed text; a repeat → a list of
 * such objects), `today()` the visit's day and `now()` its moment (what now() means in an expression, as on
 * the server), `metadata` what the phone fills for the form's metadata items ({start, end(), username}).
 * Returns the controller the officer's form and the preview use.
 */
export function renderForm(container, source, { raw = {}, today, now = () => '', metadata = {} }) {
  listening.get(container)?.abort(); // a container shows one form at a time (a new draft redraws it)
  const listener = new AbortController();
  listening.set(container, listener);
  const definition = { ...source, questions: flatQuestions(source.questions) };
  const tree = itemTree(definition.questions);
  const values = fromRaw(tree, raw);
  const entries = new Map(); // path → {question, block, read, write, holder, output?}
  const groups = new Map(); // path → the group's fieldset
  const views = new Map(); // path → the repeat's view
  const contexts = new WeakMap(); // a repeat card → its instance steps [[repeat, number], ...]
  const chains = new Map(); // name → the repeats it sits in, outermost first (how ${name} finds its instance)
  const seen = new Set(); // paths whose live errors the officer has been shown
  let templates = null; // the texts that name answers: [{node, template, steps}], found again after a redraw
  const language = definition.language || 'es';

  (function chain(nodes, repeats) {
    for (const node of nodes) {
      chains.set(node.item.name, repeats);
      if (node.children) chain(node.children, node.kind === 'repeat' ? [...repeats, node.item.name] : repeats);
    }
  }(tree, []));

  function forget(prefix) {
    for (const map of [entries, groups, views, seen]) {
      for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
  }

  function drawLevel(parent, nodes, prefix, holder, steps) {
    templates = null;
    for (const node of nodes) {
      const { name, type } = node.item;
      const path = prefix + name;
      if (node.kind === 'group') {
        const section = el('fieldset', { className: 'form-group' }, labelText(node.item, 'legend'));
        section.dataset.group = name;
        groups.set(path, section);
        parent.append(section);
        drawLevel(section, node.children, prefix, holder, steps);
      } else if (node.kind === 'repeat') {
        if (!repeatCards) throw new Error('renderForm: await prepareForm(definition) first, it fetches the repeats\' cards');
        if (!Array.isArray(holder[name])) holder[name] = [];
        views.set(path, repeatCards.repeatView(parent, node, path, holder[name], {
          drawLevel(body, children, innerPrefix, innerHolder, number) {
            const innerSteps = [...steps, [name, number]];
            contexts.set(body.parentElement, innerSteps);
            drawLevel(body, children, innerPrefix, innerHolder, innerSteps);
          },
          forget,
          changed(section) {
            refresh();
            // A button is no answer: this says the list changed, so the officer's form saves the draft.
            section.dispatchEvent(new CustomEvent('change', { bubbles: true, detail: { repeat: path } }));
          },
        }));
      } else if (!METADATA.has(type)) {
        const entry = { ...questionBlock(node.item, path, { language }), question: node.item, holder };
        entry.output = entry.block.querySelector('output');
        entry.silent = entry.block.dataset.silent === 'true';
        if (Object.hasOwn(holder, name) && holder[name] !== UNREADABLE) {
          if (!entry.widget || !isEmpty(holder[name])) entry.write(holder[name]);
        }
        entries.set(path, entry);
        parent.append(entry.block);
      }
    }
  }

  /** The path ${name} reads from the instance `steps` (shared repeats: the same instance; deeper: the first). */
  function pathOf(name, steps) {
    const repeats = chains.get(name) || [];
    const at = repeats.map((repeat, i) => `${repeat}[${steps[i]?.[0] === repeat ? steps[i][1] : 1}].`);
    return at.join('') + name;
  }

  /** "Total: ${total}" with the current values, read from the instance the text sits in. */
  function fill(template, steps, result) {
    return String(template || '').replace(/\$\{([^}]+)\}/g, (_, name) => shown(result.values.get(pathOf(name.trim(), steps)) ?? ''));
  }

  /** What the phone fills itself: the form's metadata items (top level), by their names. */
  function metadataAnswers() {
    const filled = { start: metadata.start, end: metadata.end?.(), today: today(), username: metadata.username };
    const out = {};
    for (const node of tree) {
      const value = node.kind === 'question' && METADATA.has(node.item.type) ? filled[node.item.type] : null;
      if (!isEmpty(value)) out[node.item.name] = value;
    }
    return out;
  }

  /** The walk over what is held now; typing that does not read as its type is a type error. */
  function verdict() {
    const { answers, unreadable } = answersOf(tree, values, {
      parse: parseRaw, shownCount: (path, list) => views.get(path)?.shownCount() ?? list.length,
    });
    const result = walk(definition, Object.assign(answers, metadataAnswers()), today(), now());
    for (const [path, question] of unreadable) {
      const said = entries.get(path)?.problem; // a widget's own reason (a coordinate written two ways)
      if (result.relevant.get(path)) result.errors[`answers.${path}`] = [said || unreadableMessage(question)];
    }
    return result;
  }

  /** The walk, again while a repeat_count's cards change (a count may read answers inside its repeat). */
  function settled() {
    let result = verdict();
    for (let round = 0; round < 3; round += 1) {
      let moved = false;
      for (const view of [...views.values()]) {
        if (view.counted && result.counts?.has(view.path)) moved = view.setCount(result.counts.get(view.path)) || moved;
      }
      if (!moved) break;
      result = verdict();
    }
    return result;
  }

  const setHidden = (node, hidden) => { if (node.hidden !== hidden) node.hidden = hidden; };
  const setText = (node, text) => { if (node.textContent !== text) node.textContent = text; };

  /** Show a choice_filter's choices (the walk's for this path); a chosen one outside them stays, refused. */
  function filterChoices(entry, path, result) {
    const allowed = result.choices?.get(path);
    const chosen = [].concat(entry.holder[entry.question.name] ?? []);
    for (const label of entry.block.querySelectorAll('[data-choice]')) {
      const name = label.dataset.choice;
      setHidden(label, Boolean(allowed) && !allowed.includes(name) && !chosen.includes(name));
    }
  }

  /** The labels, hints and titles that name answers; the others are written once, here (after a redraw). */
  function liveTemplates() {
    if (templates) return templates;
    templates = [];
    for (const node of container.querySelectorAll('[data-template]')) {
      const { template } = node.dataset;
      if (template.includes('${')) templates.push({ node, template, steps: contexts.get(node.closest('.repeat-card')) || [] });
      else setText(node, template);
    }
    return templates;
  }

  /** Touch the page only where the verdict changed; errors only for questions answered (or after a save try).
   * The DOM is read and written only for what changed: with 150 questions, asking every block about its
   * error on each letter took longer than the walk itself. */
  function refresh({ all = false } = {}) {
    const result = settled();
    const relevant = (path) => result.relevant.get(path) !== false;
    for (const [path, block] of groups) setHidden(block, !relevant(path));
    for (const [path, view] of views) {
      setHidden(view.section, !relevant(path));
      view.showError((result.errors[`answers.${path}`] || []).join(' '));
    }
    for (const card of container.querySelectorAll('.repeat-card')) setHidden(card, !relevant(card.dataset.instance));
    for (const { node, template, steps } of liveTemplates()) setText(node, fill(template, steps, result));
    const redraw = errorsToRedraw(container, entries);
    for (const [path, entry] of entries) {
      const { question, block } = entry;
      const hidden = !relevant(path) || entry.silent;
      if (hidden !== entry.hidden) block.hidden = entry.hidden = hidden; // only render.js hides a block
      const value = entry.output ? shown(result.values.get(path) ?? '') : null;
      if (entry.output && value !== entry.shownValue) entry.output.textContent = entry.shownValue = value;
      if (question.choice_filter) filterChoices(entry, path, result);
      if (!ANSWERED.has(question.type)) continue;
      if (all || !isEmpty(entry.holder[question.name])) seen.add(path);
      const messages = seen.has(path) ? result.errors[`answers.${path}`] : null;
      const text = messages ? messages.join(' ') : '';
      if (text === entry.shownError && !redraw.has(path)) continue;
      showError(block, path, text);
      entry.shownError = text;
    }
    showFormErrors(container, result.errors, placed);
    return result;
  }

  /** A calculate's block is never shown, so its error (out of budget) has no place beside a field. */
  const placed = (key) => {
    const path = key.startsWith('answers.') ? key.slice(8) : null;
    const entry = path && entries.get(path);
    return Boolean(path) && ((entry && entry.question.type !== 'calculate') || views.has(path));
  };

  /** One answer changed: it goes into the tree (read from its own inputs only) and the page follows. */
  function onAnswer(event) {
    const entry = entries.get(event.target.closest?.('[data-path]')?.dataset.path);
    if (!entry || !ANSWERED.has(entry.question.type)) return;
    const read = entry.read();
    const problem = entry.widget && read.error ? read.message : null;
    const value = entry.widget ? (read.error ? UNREADABLE : read.value) : read;
    // A choice fires 'input' then 'change', a text 'change' when left: the second says nothing new.
    if (event.type === 'change' && problem === entry.problem && same(value, entry.holder[entry.question.name])) return;
    entry.problem = problem;
    entry.holder[entry.question.name] = value;
    refresh();
  }

  container.replaceChildren();
  if (definition.title) container.append(el('h2', { textContent: definition.title }));
  drawLevel(container, tree, '', values, []);
  container.addEventListener('input', onAnswer, { signal: listener.signal });
  container.addEventListener('change', onAnswer, { signal: listener.signal });
  refresh();
  return {
    definition: source,
    /** What is typed, as a draft keeps it (repeats as lists, instances kept by a repeat_count included). */
    read: () => toRaw(values),
    refresh,
    /** {answers, errors} as the server would judge them now; shows every error beside its field. */
    check() { return refresh({ all: true }); },
    /** The first field with an error shown, to move the focus to. */
    firstInvalid: () => container.querySelector('[aria-invalid=true], [data-form-errors]'),
  };
}
