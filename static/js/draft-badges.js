// The agenda's "Borrador sin terminar" badges: drafts live only on the phone, so the page marks the
// Mipymes that have one once it has read IndexedDB.
import * as store from './store.js';
import { onChange } from './sync.js';

const me = document.querySelector('meta[name="fieldwork-user"]');
const officerId = me?.dataset.role === 'officer' ? me.content : null;

async function markDrafts() {
  const drafts = await store.listDrafts(officerId);
  const withDraft = new Set(drafts.filter((d) => d.kind === 'new' && d.mipyme_id).map((d) => String(d.mipyme_id)));
  for (const badge of document.querySelectorAll('[data-draft-badge]')) badge.hidden = !withDraft.has(badge.dataset.draftBadge);
  document.documentElement.dataset.draftBadges = 'ready';
}

if (officerId && document.querySelector('[data-draft-badge]')) {
  onChange(() => markDrafts());
  markDrafts();
}
