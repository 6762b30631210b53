// What a page says when its IndexedDB handle had to go: another tab opened a newer version of the app,
// or older tabs hold the database while this one waits to upgrade it. Plain DOM, any officer page.
import { t } from './i18n.js';

function notice(kind, text, withReload) {
  if (typeof document === 'undefined') return;
  let box = document.querySelector('[data-storage-notice]');
  if (!box) {
    box = document.createElement('div');
    box.dataset.storageNotice = '';
    box.setAttribute('role', 'alert');
    (document.querySelector('main') || document.body).prepend(box);
  }
  box.className = `notice notice-${kind}`;
  box.dataset.storageNotice = kind;
  box.replaceChildren(text);
  if (withReload) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button small';
    button.textContent = t('storage_reload');
    button.addEventListener('click', () => window.location.reload());
    box.append(' ', button);
  }
}

/** This tab's code is older than the data now: everything typed was saved; reloading continues. */
export const showOutdated = () => notice('outdated', t('storage_outdated'), true);

/** Older tabs keep the database open: the update finishes when they are closed or reloaded. */
export const showBlocked = () => notice('blocked', t('storage_blocked'), false);

/** The upgrade went through: the "close the other tabs" notice is no longer true. */
export function clearBlocked() {
  const box = typeof document !== 'undefined' && document.querySelector('[data-storage-notice=blocked]');
  if (box) box.remove();
}
