// The search above the agenda and "Mis visitas": it hides the cards ([data-search-item]) that do not
// match (their text, the read-only detail included, and data-search-text), ignoring case and accents,
// with the data the page already holds, so it works offline too.
// The rule is the server's (fold.js).
import { fold } from './fold.js';
import { t } from './i18n.js';

const form = document.querySelector('[data-list-search]');
const input = form?.querySelector('input[type=search]');
const count = form?.querySelector('[data-search-count]');

function apply() {
  const wanted = fold(input.value).trim();
  const items = [...document.querySelectorAll('[data-search-item]')];
  let shown = 0;
  for (const item of items) {
    const matches = !wanted || fold(`${item.dataset.searchText || ''} ${item.textContent}`).includes(wanted);
    item.hidden = !matches;
    if (matches) shown += 1;
  }
  const text = !wanted ? '' : shown ? t('search_count', { shown, total: items.length }) : t('search_none', { q: input.value.trim() });
  if (count.textContent !== text) count.textContent = text; // (a change would wake the observer below)
  form.dataset.shown = String(shown);
}

if (form && input) {
  form.hidden = false;
  // Offline, a submitted search opens the cached page: take the words from the address.
  const asked = new URLSearchParams(window.location.search).get('q');
  if (asked && !input.value) input.value = asked;
  input.addEventListener('input', apply);
  // Cards drawn later (the phone's own visits in "Mis visitas") are filtered as they appear.
  new MutationObserver(() => { if (input.value) apply(); })
    .observe(document.querySelector('main') || document.body, { childList: true, subtree: true });
  apply();
}
