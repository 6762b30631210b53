// Every page: register the service worker so that the app opens offline after one online visit,
// and, for field officers, start the offline app (sync bar, outbox sync, logout guard).
import { registerWorker } from './sw-client.js';

registerWorker();

const me = document.querySelector('meta[name="fieldwork-user"]');
if (me && me.dataset.role === 'officer') {
  import('./officer.js').then((officer) => officer.start(me.content));
}

// The offline page after a logout with no network (officer.js) says what happened to the session.
if (window.location.pathname === '/offline' && new URLSearchParams(window.location.search).has('logout')) {
  document.querySelector('[data-logout-note]')?.removeAttribute('hidden');
}
