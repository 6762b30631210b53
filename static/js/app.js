// Every page: register the service worker so that the app opens offline after one online visit.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/service-worker.js', { scope: '/' }).catch((error) => {
      console.warn('Service worker registration failed', error);
    });
  });
}
