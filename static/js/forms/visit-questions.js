// The programme's questions inside the officer's visit form (visit-form.js calls these hooks). A draft
// keeps the version it was started in: its fields carry `form_version_id` and the typed `answers`, and
// the definitions live on the phone by id (definitions.js), so a version published while a draft is
// open changes neither the draft nor what it sends.
import { embedded, find, remember } from './definitions.js';
import { prepareForm, renderForm } from './render.js';

// A formatter per zone and shape, made once: building one costs more than the walk an answer runs (both
// are asked on every answer, for today() and now()).
const formatters = new Map();
function formatter(zone, withTime) {
  const key = `${zone} ${withTime}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.DateTimeFormat('en-US', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
      ...(withTime ? { hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' } : {}),
    }));
  }
  return formatters.get(key);
}

/** The calendar day (YYYY-MM-DD) in `zone` of a datetime-local value typed on this phone. */
export function visitDay(localValue, zone) {
  const moment = localValue ? new Date(localValue) : new Date();
  const date = Number.isNaN(moment.getTime()) ? new Date() : moment;
  const parts = Object.fromEntries(formatter(zone, false).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/**
 * The moment (YYYY-MM-DDTHH:MM:SS.mmm±HH:MM) in `zone` of a datetime-local value typed on this phone: now()
 * in the walk, as the server reads the same visit's visited_at (fieldwork/forms/visit_answers.py).
 */
export function visitMoment(localValue, zone) {
  const moment = localValue ? new Date(localValue) : new Date();
  const date = Number.isNaN(moment.getTime()) ? new Date() : moment;
  const parts = Object.fromEntries(formatter(zone, true).formatToParts(date).map((p) => [p.type, p.value]));
  const wall = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  const millis = String(date.getMilliseconds()).padStart(3, '0');
  const minutes = Math.round((Date.parse(`${wall}.${millis}Z`) - date.getTime()) / 60000); // the zone's offset
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${wall}.${millis}${minutes < 0 ? '-' : '+'}${pad(minutes / 60)}:${pad(minutes % 60)}`;
}

/** A moment as a dateTime answer (start, end): to the second, with the zone's offset. */
const moment = (zone) => visitMoment('', zone).replace(/\.\d{3}(?=[+-])/, '');

/** The language the page shows the labels in: expressions read it (validate.js walk), as the server does. */
export const pageLanguage = () => (typeof document !== 'undefined' && document.documentElement.lang.startsWith('en') ? 'en' : 'es');

/** A returned visit's own `start` (its answers came back from the server with it). */
const sentStart = (definition, answers) => {
  const item = (definition?.questions || []).find((q) => q.type === 'start');
  const value = item && answers && Object.hasOwn(answers, item.name) ? answers[item.name] : '';
  return typeof value === 'string' ? value : '';
};

/** Wire the questions into `form`; returns {read, write, errors, payload} for visit-form.js. */
export function attachQuestions(form) {
  const container = form?.querySelector('[data-form-questions]');
  const current = embedded();
  const zone = container?.dataset.zone || 'America/Bogota';
  const today = () => visitDay(form.elements.visited_at?.value, zone);
  const now = () => visitMoment(form.elements.visited_at?.value, zone);
  let controller = null;
  let started = ''; // when this draft was first opened: the form's `start`, kept with the draft
  if (container) remember(current).catch(() => {}); // no storage: the current version still renders
  form?.elements.visited_at?.addEventListener('input', () => controller?.refresh());
  form?.elements.visited_at?.addEventListener('change', () => controller?.refresh());

  async function definitionFor(id) {
    if (id == null || String(id) === String(current?.id)) return current;
    return (await find(id)) || current; // a version this phone never saw, offline: the current one
  }

  return {
    /** The draft's part: the version shown and what is typed in it. */
    read() {
      if (!controller) return {};
      return { form_version_id: controller.definition.id, answers: controller.read(), form_started_at: started };
    },
    /** Show the draft's own version with its typed answers. */
    async write(fields) {
      if (!container) return;
      const definition = await definitionFor(fields.form_version_id);
      container.hidden = !definition;
      started = fields.form_started_at || sentStart(definition, fields.answers) || moment(zone);
      const metadata = { start: started, end: () => moment(zone), username: container.dataset.username };
      if (definition) await prepareForm(definition);
      controller = definition ? renderForm(container, { ...definition, language: pageLanguage() }, {
        raw: fields.answers || {}, today, now, metadata,
      }) : null;
    },
    /**
     * The form judged once, at "Guardar visita", as the server would: {errors} keep the visit from being saved
     * (shown beside their questions); {payload} is what it sends (the version and the answers the server
     * would keep); {title} is the form's instance_name over them ('' without one), for the phone's lists.
     * One walk for the three, so what is checked is exactly what is sent.
     */
    judge() {
      if (!controller) return { errors: {}, payload: {}, title: '' };
      const { errors, answers, title } = controller.check();
      return { errors, payload: { form_version_id: controller.definition.id, answers }, title: title || '' };
    },
  };
}
