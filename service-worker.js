// Minimal worker for the foundation: it makes the app installable. Offline caching comes with the
// offline-capture work (issue 3).
const VERSION = 'fieldwork-v1';
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', () => {});
