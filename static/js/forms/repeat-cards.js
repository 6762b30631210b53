// A repeat on the officer's phone: each instance a card with its number ("Producto 2"), and the buttons to
// add one, take one out (with "Deshacer": a mis-tap loses nothing) and move one up or down. A repeat with
// repeat_count has exactly the walk's count of cards; when the count goes down, what was typed in the cards
// it leaves out stays in the draft (not sent) until the officer deletes it, and comes back if the count rises.
import { t } from '../i18n.js';
import { el, labelText } from './question-blocks.js';
import { newInstance, typedIn } from './repeat-state.js';

// Spanish source text; the page's message table translates it (fieldwork/visits/form_messages.py).
const MESSAGES = {
  form_repeat_add: 'Agregar %(label)s',
  form_repeat_card: '%(label)s %(number)s',
  form_repeat_remove: 'Quitar',
  form_repeat_up: 'Subir',
  form_repeat_down: 'Bajar',
  form_repeat_removed: 'Se quitó «%(card)s».',
  form_repeat_undo: 'Deshacer',
  form_repeat_kept: 'Ahora se piden %(count)s: lo escrito en %(extra)s más queda guardado en el borrador, '
    + 'pero no se envía. Si el número vuelve a subir, reaparece.',
  form_repeat_drop: 'Borrar lo que ya no se pide',
};

export function say(key, vars = {}) {
  const text = t(key, vars);
  return text !== key ? text : MESSAGES[key].replace(/%\((\w+)\)s/g, (_, name) => String(vars[name] ?? ''));
}

const button = (text, className, action) => {
  const node = el('button', { type: 'button', className: `button secondary small ${className}`, textContent: text });
  node.dataset.repeatAction = action;
  return node;
};

/**
 * Draw repeat `node` at `path` (its instances in `list`, an array kept in the values tree) into `parent`.
 * hooks: drawLevel(parent, nodes, prefix, values, number) draws an instance's items, forget(prefix) lets go of what
 * the page held for the cards redrawn, changed(section) says the list changed (the page then walks again).
 */
export function repeatView(parent, node, path, list, hooks) {
  const repeat = node.item;
  const counted = Boolean(repeat.repeat_count);
  const section = el('fieldset', { className: 'field form-repeat' }, labelText(repeat, 'legend'));
  section.name = `answers.${path}`; // a server's error for the list lands here, and the draft saves on its change
  section.dataset.repeat = path;
  const cards = el('ol', { className: 'repeat-cards' });
  const undo = el('div', { className: 'notice repeat-undo', hidden: true });
  undo.setAttribute('role', 'status');
  const kept = el('div', { className: 'notice notice-warn repeat-kept', hidden: true });
  const add = counted ? null : button(say('form_repeat_add', { label: repeat.label || repeat.name }), 'repeat-add', 'add');
  section.append(cards, undo, kept, ...(add ? [add] : []));
  parent.append(section);
  let shown = counted ? 0 : list.length; // how many instances count now (repeat_count: the walk's count)
  let removed = null; // {instance, index}: the last card taken out, until undone or another change

  const title = (number) => say('form_repeat_card', { label: repeat.label || repeat.name, number });

  function card(instance, index) {
    const instancePath = `${path}[${index + 1}]`;
    const heading = el('h3', { className: 'repeat-title', id: `q-${instancePath}-title`, tabIndex: -1 });
    heading.dataset.template = title(index + 1); // a label may name answers: the page fills it
    const tools = el('div', { className: 'repeat-tools' },
      button(say('form_repeat_up'), 'repeat-up', 'up'), button(say('form_repeat_down'), 'repeat-down', 'down'),
      ...(counted ? [] : [button(say('form_repeat_remove'), 'danger repeat-remove', 'remove')]));
    for (const tool of tools.children) {
      tool.setAttribute('aria-describedby', heading.id); // "Quitar" says which card
      const edge = (tool.dataset.repeatAction === 'up' && index === 0) || (tool.dataset.repeatAction === 'down' && index === shown - 1);
      if (edge) tool.setAttribute('aria-disabled', 'true');
    }
    const body = el('div', { className: 'repeat-body' });
    const item = el('li', { className: 'repeat-card' }, el('div', { className: 'repeat-head' }, heading, tools), body);
    item.dataset.instance = instancePath;
    item.dataset.key = String(instance.key);
    hooks.drawLevel(body, node.children, `${instancePath}.`, instance.values, index + 1);
    return item;
  }

  function redraw() {
    hooks.forget(`${path}[`);
    cards.replaceChildren(...list.slice(0, shown).map(card));
    const extra = list.length - shown;
    kept.hidden = extra <= 0;
    if (extra > 0) {
      kept.replaceChildren(el('p', { textContent: say('form_repeat_kept', { count: shown, extra }) }),
        button(say('form_repeat_drop'), 'danger repeat-drop', 'drop'));
    }
  }

  function showUndo() {
    undo.hidden = !removed;
    if (!removed) return undo.replaceChildren();
    const text = say('form_repeat_removed', { card: title(removed.index + 1) });
    return undo.replaceChildren(el('span', { textContent: `${text} ` }), button(say('form_repeat_undo'), 'repeat-undo-button', 'undo'));
  }

  /** Redraw after a change of the list, then move the focus where the officer's eyes are. */
  function after(focus) {
    redraw();
    showUndo();
    hooks.changed(section);
    focus?.()?.focus();
  }

  const cardAt = (index) => cards.children[index];
  const actions = {
    add() {
      list.push(newInstance(node.children));
      shown = list.length;
      removed = null;
      after(() => cardAt(shown - 1)?.querySelector('.repeat-title'));
    },
    remove(index) {
      removed = { instance: list.splice(index, 1)[0], index };
      shown = list.length;
      after(() => undo.querySelector('button'));
    },
    undo() {
      if (!removed) return;
      list.splice(Math.min(removed.index, list.length), 0, removed.instance);
      const { index } = removed;
      removed = null;
      shown = list.length;
      after(() => cardAt(index)?.querySelector('.repeat-title'));
    },
    up: (index) => move(index, index - 1, 'up'),
    down: (index) => move(index, index + 1, 'down'),
    drop() {
      list.splice(shown);
      after(() => section.querySelector('legend'));
    },
  };

  function move(from, to, action) {
    if (to < 0 || to >= shown) return;
    list.splice(to, 0, list.splice(from, 1)[0]);
    removed = null;
    after(() => cardAt(to)?.querySelector(`[data-repeat-action=${action}]:not([aria-disabled])`) || cardAt(to)?.querySelector('.repeat-title'));
  }

  section.addEventListener('click', (event) => {
    const tool = event.target.closest('button[data-repeat-action]');
    if (!tool || tool.closest('[data-repeat]') !== section || tool.getAttribute('aria-disabled') === 'true') return;
    const index = [...cards.children].indexOf(tool.closest('.repeat-card'));
    actions[tool.dataset.repeatAction]?.(index);
  });
  redraw();

  return {
    section,
    path,
    counted,
    /** The list's own error (repeat_count, too many) under the cards; the cards' fields keep theirs. */
    showError(text) {
      const id = `answers.${path}-error`;
      const old = section.querySelector(`:scope > #${CSS.escape(id)}`);
      if ((old?.textContent || '') === text) return;
      old?.remove();
      section.classList.toggle('has-error', Boolean(text));
      if (text) section.insertBefore(el('p', { className: 'error', id, textContent: text }), cards);
    },
    /** How many of the list's instances the walk judges and the visit sends. */
    shownCount: () => shown,
    /** The walk's count for a repeat_count (grows with fresh cards; a lower one keeps the typed ones). */
    setCount(count) {
      if (!counted || count === shown) return false;
      while (list.length < count) list.push(newInstance(node.children));
      while (list.length > count && !typedIn(node.children, list[list.length - 1].values)) list.pop(); // nothing typed
      shown = count;
      redraw();
      return true;
    },
  };
}
