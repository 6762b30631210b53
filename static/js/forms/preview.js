// The supervisor's preview of a version (templates/forms/, by forms-core): the form as the officer will
// see it, live and read-write, but nothing is saved anywhere. today() is the real day in the zone.
import { embedded } from './definitions.js';
import { prepareForm, renderForm } from './render.js';
import { pageLanguage, visitDay, visitMoment } from './visit-questions.js';

const container = document.getElementById('form-preview');
const definition = embedded();
if (container && definition) {
  // The preview page belongs to the supervisors' pages, which do not load the officer's stylesheet.
  if (!document.querySelector('link[href$="/css/forms.css"]')) {
    document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/static/css/forms.css' }));
  }
  const zone = container.dataset.zone || 'America/Bogota';
  await prepareForm(definition);
  // now() is this moment, as it is for a visit typed now; labels and date names in the page's language.
  const preview = renderForm(container, { ...definition, language: pageLanguage() }, {
    today: () => visitDay('', zone), now: () => visitMoment('', zone),
  });
  // A "Probar" button (optional in the page) shows every error as saving would, without saving.
  const tryButton = document.querySelector('[data-preview-check]');
  tryButton?.addEventListener('click', (event) => {
    event.preventDefault();
    preview.check();
    preview.firstInvalid()?.focus();
  });
  container.dataset.ready = 'true';
}
