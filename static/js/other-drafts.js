// Above the visit form: the officer's other unfinished work on this phone, so that opening one Mipyme
// never hides another's draft — visits the server refused, and drafts of other Mipymes.
import { t, tn } from './i18n.js';

function link(href, text) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  return a;
}

/** Fill the two notices from `drafts` (all of the officer's), leaving out `current`. */
export function showOtherDrafts(drafts, current, nameOf) {
  const rejectedBox = document.querySelector('[data-rejected-waiting]');
  const rejected = drafts.filter((d) => d.kind === 'rejected' && d.id !== current.id);
  rejectedBox.hidden = !rejected.length;
  if (rejected.length) {
    rejectedBox.replaceChildren(`${tn('rejected_waiting', rejected.length)} `,
      link(`?draft=${encodeURIComponent(rejected[0].id)}`, t('fix_now')));
  }
  const othersBox = document.querySelector('[data-other-drafts]');
  if (!othersBox) return;
  const others = drafts.filter((d) => d.kind === 'new' && d.id !== current.id);
  othersBox.hidden = !others.length;
  const links = others.map((d) => (d.mipyme_id
    ? link(`?mipyme_id=${encodeURIComponent(d.mipyme_id)}`, nameOf(d.mipyme_id))
    : link(`?draft=${encodeURIComponent(d.id)}`, t('draft_without_mipyme'))));
  othersBox.replaceChildren(`${t('other_drafts')} `, ...links.flatMap((a, i) => (i ? [', ', a] : [a])));
}
