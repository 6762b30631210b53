// The officer's inputs for contract v3's newer question types, one widget per question. render.js (H-phone)
// draws the label, hint and errors around a widget and calls it through this interface:
//
//   export const WIDGET_TYPES = new Set([...])
//   export function widget(question, { id, name, language }) → { node, read(), write(value), focus() }
//
//   - read() → {value}: the API value (notes/forms-v3-spec.md §2 shapes; null when empty), or {error: true}
//     when what is typed does not read as the type (a half-typed time, a coordinate written two ways, a line
//     of one point); the widget itself says why, beside its inputs. {error: true, message} may carry that text.
//   - write(value) shows a stored API value (a draft, a returned visit); null or undefined empties it.
//   - node dispatches a bubbling 'input' or 'change' event whenever the answer changes, from an element whose
//     name attribute is `name` (answers.<path>): render.js listens on the form, visit-form.js autosaves.
//   - focus() moves the focus to the widget's first control (the first field with an error, after a save try).
//   - `id`: types in GROUPED have several controls, each named by its own words ("Tomar ubicación"): their
//     node, a fieldset, carries the id (a <label for=id> there would rename a button), and render.js should draw
//     them as a fieldset with the question's label as legend, as the selects. Any other type is one control
//     (input) with that id, named by <label for=id>.
//   - `language` ('es' or 'en') is the page's; the words come from the page's message table (widget-common.js).
import { el, say } from './widget-common.js';
import { geopointWidget, pointsWidget } from './widget-geo.js';
import { photoWidget } from './widget-photo.js';
import { rangeWidget } from './widget-range.js';
import { rankWidget } from './widget-rank.js';
import { GROUPED, WIDGET_TYPES } from './widget-types.js';
import { momentToInput, offsetText, readMoment, readTime, timeToInput, zoneOffset } from './widget-values.js';

export { GROUPED, WIDGET_TYPES }; // the interface above; widget-types.js holds them for pages that load no widget

const DEFAULT_ZONE = 'America/Bogota';

/** A native input whose value is the answer once converted; `toInput` shows a stored answer in it. */
function nativeWidget(input, { read, toInput, extra = null, onWrite = () => {} }) {
  const node = el('div', { className: `widget widget-${input.type}` }, input, extra);
  return {
    node,
    read() {
      // A half-typed time or date keeps the input's value empty: it is not an empty answer.
      if (input.validity?.badInput) return { error: true };
      return read(input.value);
    },
    write(value) {
      input.value = value == null ? '' : toInput(value);
      onWrite(value);
    },
    focus: () => input.focus(),
  };
}

function timeWidget({ id, name }) {
  const input = el('input', { type: 'time', id, name, step: 60 });
  return nativeWidget(input, {
    read: readTime,
    toInput: (value) => {
      const shown = timeToInput(value);
      input.step = shown.length > 5 ? 1 : 60; // seconds are shown only for an answer that has them
      return shown;
    },
  });
}

/** The programme's zone: the questions' container says it (data-zone), as for now() (visit-questions.js). */
const zoneOf = (node) => node.closest?.('[data-zone]')?.dataset.zone || DEFAULT_ZONE;

function dateTimeWidget({ id, name }) {
  const input = el('input', { type: 'datetime-local', id, name, step: 60 });
  const note = el('p', { className: 'hint widget-zone', id: `${id}-zone` });
  input.setAttribute('aria-describedby', note.id);
  const shownIn = (value, zone) => {
    const shown = momentToInput(value, zone);
    input.step = shown.length > 16 ? 1 : 60;
    return shown;
  };
  // The zone is the page's (its container says it), known once the widget is in the page: a stored moment
  // written before that is shown again on the zone's clock, unless the officer has changed it meanwhile.
  const showZone = () => { note.textContent = say('widget_zone', { offset: offsetText(zoneOffset(Date.now(), zoneOf(result.node))) }); };
  const result = nativeWidget(input, {
    read: (raw) => readMoment(raw, zoneOf(result.node)),
    toInput: (value) => shownIn(value, zoneOf(result.node)),
    extra: note,
    onWrite(value) {
      if (result.node.isConnected || value == null) return;
      const first = input.value;
      setTimeout(() => {
        if (input.value === first) input.value = shownIn(value, zoneOf(result.node));
        showZone();
      }, 0);
    },
  });
  input.addEventListener('focus', showZone);
  setTimeout(showZone, 0);
  return result;
}

function acknowledgeWidget({ id, name }) {
  const box = el('input', { type: 'checkbox', id, name, value: 'OK' });
  // The question's <label for=id> and this one both name the box: "OK" is what ticking it answers.
  const node = el('div', { className: 'widget widget-acknowledge' }, el('label', { className: 'check big-check' }, box, ' OK'));
  return {
    node,
    read: () => ({ value: box.checked ? 'OK' : null }),
    write(value) { box.checked = value === 'OK'; },
    focus: () => box.focus(),
  };
}

const BUILDERS = {
  time: (question, options) => timeWidget(options),
  dateTime: (question, options) => dateTimeWidget(options),
  acknowledge: (question, options) => acknowledgeWidget(options),
  geopoint: geopointWidget,
  geotrace: pointsWidget,
  geoshape: pointsWidget,
  image: photoWidget,
  range: rangeWidget,
  rank: rankWidget,
};

/** The widget of `question` (its type one of WIDGET_TYPES); see the header for the interface. */
export function widget(question, { id, name, language = 'es' }) {
  const build = BUILDERS[question.type];
  if (!build) throw new Error(`no widget for ${question.type}`);
  const made = build(question, { id, name, language });
  made.node.dataset.widget = question.type;
  // The visit form moves the focus to a server's error by the answer's name: a group can take it (not by Tab).
  if (GROUPED.has(question.type)) made.node.tabIndex = -1;
  return made;
}
