// The programme's questions inside the officer's visit form (visit-form.js calls these hooks). A draft
// keeps the version it was started in: its fields carry `form_version_id` and the typed `answers`, and
// the definitions live on the phone by id (definitions.js), so a version published while a draft is
// open changes neither the draft nor what it sends.
import { embedded, find, remember } from './definitions.js';
import { renderForm } from './render.js';

/** The calendar day (YYYY-MM-DD) in `zone` of a datetime-local value typed on this phone. */
export function visitDay(localValue, zone) {
  const moment = localValue ? new Date(localValue) : new Date();
  const date = Number.isNaN(moment.getTime()) ? new Date() : moment;
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** Wire the questions into `form`; returns {read, write, errors, payload} for visit-form.js. */
export function attachQuestions(form) {
  const container = form?.querySelector('[data-form-questions]');
  const current = embedded();
  const zone = container?.dataset.zone || 'America/Bogota';
  const today = () => visitDay(form.elements.visited_at?.value, zone);
  let controller = null;
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
      return controller ? { form_version_id: controller.definition.id, answers: controller.read() } : {};
    },
    /** Show the draft's own version with its typed answers. */
    async write(fields) {
      if (!container) return;
      const definition = await definitionFor(fields.form_version_id);
      container.hidden = !definition;
      controller = definition ? renderForm(container, definition, { raw: fields.answers || {}, today }) : null;
    },
    /** Errors that keep the visit from being saved (shown beside their questions). */
    errors: () => (controller ? controller.check().errors : {}),
    /** What the visit sends: the version and the answers the server would keep. */
    payload() {
      if (!controller) return {};
      return { form_version_id: controller.definition.id, answers: controller.check().answers };
    },
  };
}
