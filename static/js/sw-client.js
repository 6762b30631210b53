// The page's side of the service worker: registration, the "Nueva versión disponible" prompt, and
// messages to the worker (answered through a MessageChannel).
import { t } from './i18n.js';

/** Register /service-worker.js (scope /) once the page has loaded, and watch for new versions. */
export function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  window.addEventListener('load', async () => {
    try {
      const registration = await navigator.serviceWorker.register('/service-worker.js', { scope: '/' });
      watchForUpdate(registration);
    } catch (error) {
      console.warn('Service worker registration failed', error);
    }
  });
}

function watchForUpdate(registration) {
  // An update may have started before this page got here (we register after `load`): a worker already
  // waiting or still installing is watched too, not only one announced by a later `updatefound`.
  if (registration.waiting && navigator.serviceWorker.controller) showUpdatePrompt(registration.waiting);
  if (registration.installing) watchInstalling(registration.installing);
  registration.addEventListener('updatefound', () => watchInstalling(registration.installing));
}

function watchInstalling(worker) {
  worker?.addEventListener('statechange', () => {
    // "installed" with a controller in place: a new version waits behind the one serving this page.
    if (worker.state === 'installed' && navigator.serviceWorker.controller) showUpdatePrompt(worker);
  });
}

function showUpdatePrompt(worker) {
  if (document.querySelector('[data-update-prompt]')) return;
  const banner = document.createElement('div');
  banner.className = 'update-prompt';
  banner.dataset.updatePrompt = '';
  banner.setAttribute('role', 'alert');
  const text = document.createElement('span');
  text.textContent = t('update_ready');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button small';
  button.textContent = t('update_reload');
  button.addEventListener('click', () => {
    let reloading = false;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (!reloading) { reloading = true; window.location.reload(); }
    });
    worker.postMessage({ type: 'SKIP_WAITING' });
  });
  banner.append(text, button);
  (document.querySelector('.topbar') || document.body.firstElementChild).after(banner);
}

/** Send `message` to the active worker and resolve with its answer (null on timeout or no worker). */
export async function askWorker(message, timeoutMs = 15000) {
  if (!('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  const worker = navigator.serviceWorker.controller || registration?.active;
  if (!worker) return null;
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    const timer = setTimeout(() => resolve(null), timeoutMs);
    port1.onmessage = (event) => { clearTimeout(timer); resolve(event.data); };
    worker.postMessage(message, [port2]);
  });
}
