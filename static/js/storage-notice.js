// What the officer is told about the phone's storage, in one line above the page: the browser may delete
// its data (no persistent storage), the storage is nearly full, another tab opened a newer version of the
// app, or older tabs hold the database while this one waits to upgrade it. The details open from the line
// (a <details>); × closes it. Plain DOM, any officer page; officer.js decides when a situation has been said.
// Fetched with import() only when a notice is shown or cleared (officer.js, store-db.js): most pages show none.
import { t } from './i18n.js';

function button(text, className, onClick) {
  const node = document.createElement('button');
  node.type = 'button';
  node.className = className;
  node.textContent = text;
  node.addEventListener('click', onClick);
  return node;
}

/**
 * Show the one-line notice `kind` (replacing any other): `summary`, with `details` behind "Ver más" and an
 * optional `action` button ({text, run}); `onDismiss` runs when the officer closes it.
 */
export function notice(kind, summary, { tone = 'warn', details = '', action = null, onDismiss = () => {} } = {}) {
  if (typeof document === 'undefined') return;
  let box = document.querySelector('[data-storage-notice]');
  if (!box) {
    box = document.createElement('div');
    box.setAttribute('role', 'status');
    (document.querySelector('main') || document.body).prepend(box);
  }
  box.className = `notice notice-${tone} storage-notice`;
  box.dataset.storageNotice = kind;
  Object.assign(box.style,
    { display: 'flex', alignItems: 'center', gap: '.5rem', padding: '0 0 0 .75rem', fontSize: '.9rem' });
  let text = document.createElement('span');
  text.textContent = summary;
  if (details) {
    const more = document.createElement('details');
    const head = document.createElement('summary');
    const body = document.createElement('p');
    head.append(text); // its ▸ says there is more; its title says what
    head.title = t('storage_more');
    head.style.cursor = 'pointer';
    body.textContent = details;
    body.style.margin = '.25rem 0';
    more.append(head, body);
    text = more;
  }
  text.style.flex = '1';
  const close = button('×', 'linklike', () => { box.remove(); onDismiss(); });
  close.setAttribute('aria-label', t('storage_close'));
  box.replaceChildren(text, ...(action ? [button(action.text, 'button small', action.run)] : []), close);
}

/** This tab's code is older than the data now: everything typed was saved; reloading continues. */
export const showOutdated = () => notice('outdated', t('storage_outdated'),
  { action: { text: t('storage_reload'), run: () => window.location.reload() } });

/** Older tabs keep the database open: the update finishes when they are closed or reloaded. */
export const showBlocked = () => notice('blocked', t('storage_blocked'));

/** The upgrade went through: the "close the other tabs" notice is no longer true. */
export function clearBlocked() {
  const box = typeof document !== 'undefined' && document.querySelector('[data-storage-notice=blocked]');
  if (box) box.remove();
}
