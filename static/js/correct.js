// "Corregir visita" (the officer's home, "Mis visitas"): a visit the supervisor returned opens in the form
// as a draft of revision + 1, with the supervisor's comment, and goes back through the same outbox.
import * as store from './store.js';
import { payloadToFields } from './visit-data.js';

const me = document.querySelector('meta[name="fieldwork-user"]');
const formUrl = '/visits/new';

/** Make (once) the correction draft of a returned server visit, and open it. */
export async function reopen(visit, officerId) {
  const existing = await store.getDraft(visit.id);
  if (!existing) {
    await store.saveDraft({
      id: visit.id, officer_id: officerId, fields: payloadToFields(visit), revision: (visit.revision || 1) + 1,
      kind: 'returned', review_comment: visit.review_comment, mipyme_name: visit.mipyme_name || null, errors: {},
    });
  }
  window.location.href = `${formUrl}?draft=${encodeURIComponent(visit.id)}`;
}

if (me) {
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-reopen]');
    if (!button) return;
    const visit = JSON.parse(button.dataset.reopen);
    const card = button.closest('[data-search-item], [data-returned-visit]');
    visit.mipyme_name ||= card?.querySelector('.card-title')?.textContent.trim() || null;
    reopen(visit, me.content);
  });
}
