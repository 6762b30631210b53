// A range question: a slider over the question's steps with the value shown, − and + buttons for a thumb's
// precision, and no answer until the officer touches it (a slider always sits somewhere; that is no answer).
import { button, el, say } from './widget-common.js';
import { rangeSteps } from './widget-values.js';

const shown = (value) => value.toLocaleString('es-CO', { maximumFractionDigits: 10 });

export function rangeWidget(question, { id, name }) {
  const steps = rangeSteps(question.parameters);
  // The slider counts steps (0 … count) and the answer is the step's value: a range from 10 down to 0, or with
  // a step that does not divide it, keeps start's steps (the browser's own step would count from the minimum).
  const slider = el('input', { type: 'range', id, name, min: 0, max: steps.count, step: 1, value: 0 });
  // A span, not an <output>: render.js writes a calculate's value into a question block's <output>.
  const value = el('span', { className: 'widget-range-value' });
  const less = button('−', 'secondary widget-step');
  const more = button('+', 'secondary widget-step');
  less.setAttribute('aria-label', say('widget_less'));
  more.setAttribute('aria-label', say('widget_more'));
  const clear = button(say('widget_clear'), 'small danger', { hidden: true });
  const ends = el('div', { className: 'widget-range-ends', ariaHidden: 'true' },
    el('span', { textContent: shown(steps.start) }), el('span', { textContent: shown(steps.valueAt(steps.count)) }));
  let touched = false;

  function show() {
    const text = touched ? shown(steps.valueAt(Number(slider.value))) : say('widget_unanswered');
    value.textContent = text;
    slider.setAttribute('aria-valuetext', text);
    node.classList.toggle('untouched', !touched);
    clear.hidden = !touched;
  }
  function moveTo(index) {
    slider.value = String(Math.max(0, Math.min(steps.count, index)));
    touched = true;
    show();
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  }
  slider.addEventListener('input', () => { touched = true; show(); });
  // A tap on the thumb where it sits (the start) moves nothing, so no input event: it answers all the same.
  slider.addEventListener('pointerup', () => { if (!touched) moveTo(Number(slider.value)); });
  // From "sin responder", a press answers one step from where the slider sits (its start).
  less.addEventListener('click', () => moveTo(Number(slider.value) - (touched ? 1 : 0)));
  more.addEventListener('click', () => moveTo(Number(slider.value) + 1));
  clear.addEventListener('click', () => {
    touched = false;
    slider.value = '0';
    show();
    slider.dispatchEvent(new Event('change', { bubbles: true }));
    slider.focus();
  });
  const node = el('div', { className: 'widget widget-range' },
    el('p', { className: 'widget-range-shown' }, value),
    el('div', { className: 'widget-range-row' }, less, el('div', { className: 'widget-range-track' }, slider, ends), more), clear);
  show();
  return {
    node,
    read: () => ({ value: touched ? steps.valueAt(Number(slider.value)) : null }),
    write(answer) {
      const index = steps.indexOf(answer);
      touched = index >= 0;
      slider.value = String(Math.max(index, 0));
      show();
    },
    focus: () => slider.focus(),
  };
}
