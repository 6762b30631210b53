// A rank question: the choices in a list the officer orders with ↑ and ↓ (buttons, so a keyboard or a screen
// reader orders as well as a finger), answered only once the officer confirms the order: the list's first
// order is the form's, not the officer's.
import { button, changed, el, say, status } from './widget-common.js';
import { rankOrder } from './widget-values.js';

export function rankWidget(question, { id, name }) {
  const choices = question.choices || [];
  const labelOf = new Map(choices.map((c) => [c.name, c.label || c.name]));
  let order = rankOrder(choices, null);
  let confirmed = false;
  const list = el('ol', { className: 'widget-rank-list' });
  const confirm = button(say('widget_rank_confirm'), 'secondary');
  const clear = button(say('widget_clear'), 'small danger', { hidden: true });
  const state = status();
  const guide = el('p', { className: 'hint', textContent: say('widget_rank_pending') });

  function draw() {
    list.replaceChildren(...order.map((choice, index) => {
      const label = labelOf.get(choice);
      const up = button('↑', 'secondary widget-step', { disabled: index === 0 });
      const down = button('↓', 'secondary widget-step', { disabled: index === order.length - 1 });
      up.setAttribute('aria-label', say('widget_rank_up', { label }));
      down.setAttribute('aria-label', say('widget_rank_down', { label }));
      up.addEventListener('click', () => move(index, -1));
      down.addEventListener('click', () => move(index, 1));
      // The position is drawn by hand: a flex row loses the list's own numbers (screen readers still count the items).
      const position = el('span', { className: 'widget-rank-n', textContent: `${index + 1}.` });
      position.setAttribute('aria-hidden', 'true');
      const item = el('li', {}, position, el('span', { className: 'widget-rank-label', textContent: label }), up, down);
      // Not data-choice: render.js hides a select's [data-choice] that a choice_filter leaves out, and a rank's
      // answer holds every choice (answer-types.js), so every one stays in sight.
      item.dataset.rankChoice = choice;
      return item;
    }));
    confirm.hidden = confirmed;
    clear.hidden = !confirmed;
    guide.hidden = confirmed;
  }
  function move(index, by) {
    const to = index + by;
    if (to < 0 || to >= order.length) return; // an end's arrow, re-enabled when a read-only form is enabled again
    [order[index], order[to]] = [order[to], order[index]];
    draw();
    // The focus follows the choice moved, on the same arrow while it can still go that way.
    const buttons = list.children[to].querySelectorAll('button');
    const same = buttons[by < 0 ? 0 : 1];
    (same.disabled ? buttons[by < 0 ? 1 : 0] : same).focus();
    state.textContent = say('widget_rank_moved', { label: labelOf.get(order[to]), n: to + 1, count: order.length });
    if (confirmed) changed(node); // once confirmed, the answer is the order shown
  }
  confirm.addEventListener('click', () => {
    confirmed = true;
    draw();
    state.textContent = say('widget_rank_confirmed');
    changed(node);
    list.querySelector('button:not([disabled])')?.focus();
  });
  clear.addEventListener('click', () => {
    confirmed = false;
    draw();
    state.textContent = '';
    changed(node);
    confirm.focus();
  });
  // A fieldset carries the answer's name: the form's listeners know which answer changed, a server's error finds it.
  const node = el('fieldset', { className: 'widget widget-rank', name, id }, guide, list, state,
    el('div', { className: 'widget-actions' }, confirm, clear));
  draw();
  return {
    node,
    read: () => ({ value: confirmed ? [...order] : null }),
    write(value) {
      confirmed = Array.isArray(value) && value.length > 0;
      order = rankOrder(choices, confirmed ? value : null);
      state.textContent = '';
      draw();
    },
    focus: () => (confirmed ? list.querySelector('button:not([disabled])') : confirm)?.focus(),
  };
}
