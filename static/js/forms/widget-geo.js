// Places: a point (geopoint), a line or an area (geotrace, geoshape) from the phone's GPS, with the accuracy
// shown, and typed by hand when the GPS fails or is refused (indoors, no permission, an old phone).
import { button, changed, el, say, status } from './widget-common.js';
import { coordinateText, openShape, pointFromFix, readCoordinate, readPoints } from './widget-values.js';

const MAX_POINTS = 1000; // contract v3's bound on a line or an area
const meters = (value) => Number(value).toLocaleString('es-CO', { maximumFractionDigits: 0 });

/** One reading of the GPS: `done(point)` or `failed(reason key)`. */
function askPosition(done, failed) {
  if (!navigator.geolocation) { failed('widget_geo_unsupported'); return; }
  navigator.geolocation.getCurrentPosition((position) => done(pointFromFix(position.coords)),
    (error) => failed(error.code === error.PERMISSION_DENIED ? 'widget_geo_denied' : 'widget_geo_failed'),
    { enableHighAccuracy: true, timeout: 30000, maximumAge: 10000 });
}

/** "4,711, -74,0721 (± 12 m)": how a point is shown back. */
export const pointText = (point) => `${coordinateText(point.lat)}, ${coordinateText(point.lon)}`
  + (point.accuracy_m != null ? ` (± ${meters(point.accuracy_m)} m)` : '');

/**
 * Latitude and longitude typed by hand. A plain text keyboard on purpose: the phones' decimal keypads
 * often lack the minus sign, and every longitude in Colombia is negative.
 */
function coordinateFields(base, name) {
  const input = (kind) => el('input', { type: 'text', id: `${base}-${kind}`, autocomplete: 'off', spellcheck: false });
  const lat = input('lat');
  const lon = input('lon');
  if (name) { lat.name = name; lon.name = name; }
  const hint = el('p', { className: 'hint', id: `${base}-coord-hint`, textContent: say('widget_coord_hint') });
  // Not class "error": the visit form clears every .error when it shows another draft (form-widgets.js clearErrors).
  const problem = el('p', { className: 'widget-problem', id: `${base}-problem`, hidden: true });
  const pair = (field, key) => el('div', { className: 'widget-coord' }, el('label', { htmlFor: field.id, textContent: say(key) }), field);
  const box = el('div', { className: 'widget-coords' }, hint, el('div', { className: 'widget-coord-pair' }, pair(lat, 'widget_lat'), pair(lon, 'widget_lon')), problem);
  for (const field of [lat, lon]) field.setAttribute('aria-describedby', `${hint.id} ${problem.id}`);

  function read() {
    const [a, b] = [readCoordinate(lat.value, 'lat'), readCoordinate(lon.value, 'lon')];
    const wrong = a.error || b.error;
    if (wrong) return { error: true, message: say(`widget_${wrong}`) };
    if (a.value === null && b.value === null) return { value: null };
    if (a.value === null || b.value === null) return { error: true, message: say('widget_coord_missing') };
    return { value: { lat: a.value, lon: b.value } };
  }
  /** Say what is wrong once the officer leaves a field (never while a number is half typed). */
  function explain(result = read()) {
    problem.textContent = result.error ? result.message : '';
    problem.hidden = !result.error;
  }
  lat.addEventListener('change', () => explain());
  lon.addEventListener('change', () => explain());
  for (const field of [lat, lon]) field.addEventListener('input', () => { if (!read().error) explain(); });
  return {
    box, lat, lon, read, explain,
    write(point) {
      lat.value = point ? coordinateText(point.lat) : '';
      lon.value = point ? coordinateText(point.lon) : '';
      explain({});
    },
  };
}

/** The "Escribir las coordenadas" switch and the part it shows. */
function manualPart(fields, id) {
  const region = el('div', { className: 'widget-manual', id: `${id}-manual`, hidden: true }, ...[].concat(fields));
  const toggle = button(say('widget_geo_manual'), 'linklike widget-manual-toggle');
  toggle.classList.remove('button');
  toggle.setAttribute('aria-controls', region.id);
  toggle.setAttribute('aria-expanded', 'false');
  const open = (shown = true) => { region.hidden = !shown; toggle.setAttribute('aria-expanded', String(shown)); };
  toggle.addEventListener('click', () => open(region.hidden));
  return { region, toggle, open };
}

export function geopointWidget(question, { id, name }) {
  const take = button(say('widget_geo_take'), 'secondary');
  const state = status();
  const fields = coordinateFields(id, name);
  const manual = manualPart(fields.box, id);
  const clear = button(say('widget_clear'), 'small danger', { hidden: true });
  let fix = null; // the GPS's point (accuracy, altitude), until the officer types other coordinates
  let generation = 0; // a reading that arrives after the widget showed another answer is dropped

  const show = () => {
    const answer = fix || fields.read().value;
    clear.hidden = !answer;
    if (fix) state.textContent = fix.accuracy_m != null ? say('widget_geo_taken', { point: pointText(fix) }) : say('widget_geo_typed');
  };
  take.addEventListener('click', () => {
    const asked = generation;
    state.textContent = say('widget_geo_waiting');
    take.disabled = true;
    askPosition((point) => {
      take.disabled = false;
      if (asked !== generation) return;
      fix = point;
      fields.write(point);
      take.textContent = say('widget_geo_take');
      show();
      changed(fields.lat);
    }, (reason) => {
      take.disabled = false;
      if (asked !== generation) return;
      state.textContent = say(reason);
      take.textContent = say('widget_geo_retry');
      manual.open();
    });
  });
  for (const field of [fields.lat, fields.lon]) {
    field.addEventListener('input', () => { fix = null; state.textContent = ''; show(); });
  }
  clear.addEventListener('click', () => {
    fix = null;
    fields.write(null);
    state.textContent = '';
    show();
    changed(fields.lat);
    take.focus();
  });
  const node = el('fieldset', { className: 'widget widget-geopoint', id },
    el('div', { className: 'widget-actions' }, take, clear), state, manual.toggle, manual.region);
  return {
    node,
    read: () => (fix ? { value: { ...fix } } : fields.read()),
    write(value) {
      generation += 1;
      const point = value && typeof value === 'object' ? value : null;
      fix = point ? { ...point } : null;
      fields.write(point);
      state.textContent = '';
      show();
    },
    focus: () => take.focus(),
  };
}

/** A line (geotrace, 2 points or more) or an area (geoshape, 3 corners or more, closed in the answer). */
export function pointsWidget(question, { id, name }) {
  const type = question.type;
  let points = [];
  const list = el('ol', { className: 'widget-points' });
  const count = el('span', { className: 'widget-count', id: `${id}-count` });
  const rule = el('p', { className: 'hint', textContent: say(type === 'geotrace' ? 'widget_trace_min' : 'widget_shape_min') });
  const here = button(say('widget_point_here'), 'secondary');
  const state = status();
  const fields = coordinateFields(`${id}-typed`, null);
  const addTyped = button(say('widget_point_typed'), 'secondary');
  const manual = manualPart([fields.box, addTyped], id);

  function draw() {
    list.replaceChildren(...points.map((point, index) => {
      const remove = button(say('widget_photo_remove'), 'small danger');
      remove.setAttribute('aria-label', say('widget_point_remove', { n: index + 1 }));
      remove.addEventListener('click', () => {
        points.splice(index, 1);
        update();
        (list.querySelectorAll('button')[Math.min(index, points.length - 1)] || here).focus();
      });
      return el('li', {}, el('span', { textContent: `${index + 1}. ${pointText(point)}` }), remove);
    }));
    count.textContent = points.length === 1 ? say('widget_points_one') : say('widget_points', { count: points.length });
    const full = points.length >= MAX_POINTS;
    here.disabled = full;
    addTyped.disabled = full;
    if (full) state.textContent = say('widget_points_max');
  }
  function update() {
    draw();
    changed(node);
  }
  here.addEventListener('click', () => {
    if (points.length >= MAX_POINTS) return; // the button is re-enabled with the form after read-only
    const shown = points;
    state.textContent = say('widget_geo_waiting');
    here.disabled = true;
    askPosition((point) => {
      if (shown !== points) return; // another answer was written meanwhile
      points.push(point);
      state.textContent = say('widget_point_added', { n: points.length, point: pointText(point) });
      update();
    }, (reason) => {
      here.disabled = false;
      if (shown !== points) return;
      state.textContent = say(reason);
      manual.open();
    });
  });
  addTyped.addEventListener('click', () => {
    const typed = fields.read();
    if (points.length >= MAX_POINTS) return;
    if (typed.error || typed.value === null) {
      fields.explain(typed.value === null ? { error: true, message: say('widget_coord_missing') } : typed);
      fields.lat.focus();
      return;
    }
    points.push(typed.value);
    fields.write(null);
    state.textContent = '';
    update();
    fields.lat.focus();
  });
  draw();
  // A fieldset carries the answer's name: the form's listeners know which answer changed, a server's error finds it.
  const node = el('fieldset', { className: `widget widget-${type}`, name, id }, rule, list, el('p', { className: 'widget-summary' }, count),
    el('div', { className: 'widget-actions' }, here), state, manual.toggle, manual.region);
  return {
    node,
    read() {
      const result = readPoints(points, type);
      return result.error ? { error: true, message: rule.textContent } : result;
    },
    write(value) {
      const given = Array.isArray(value) ? value.filter((p) => p && typeof p === 'object') : [];
      points = (type === 'geoshape' ? openShape(given) : given).map((p) => ({ ...p }));
      state.textContent = '';
      draw();
    },
    focus: () => here.focus(),
  };
}
