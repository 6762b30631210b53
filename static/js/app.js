// Every page: register the service worker so that the app opens offline after one online visit,
// and, for field officers, start the offline app (sync bar, outbox sync, logout guard).
import { registerWorker } from './sw-client.js';

registerWorker();

const me = document.querySelector('meta[name="fieldwork-user"]');
if (me && me.dataset.role === 'officer') {
  import('./officer.js').then((officer) => officer.start(me.content));
}

// The login page means the session that an offline logout was waiting to end is gone (or about to be
// replaced): the next login must not be ended by that old request (officer.js finishOfflineLogout).
if (!me && window.location.pathname === '/login') {
  import('./store.js').then((store) => store.setMeta('pending_logout', '')).catch(() => {});
}

// The offline page after a logout with no network (officer.js) says what happened to the session.
if (window.location.pathname === '/offline' && new URLSearchParams(window.location.search).has('logout')) {
  document.querySelector('[data-logout-note]')?.removeAttribute('hidden');
}
