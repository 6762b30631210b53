// The server's limits for the offline app (topics, text and figure bounds, the clock and zone rules).
// Their one home is Python (fieldwork/visits/offline_limits.py); each page embeds them as a JSON data
// block, so a page the service worker cached brings the limits it was served with.
let limits = null;

/** The limits of the page this module runs in; a page without them is a bug, said at once. */
export function serverLimits() {
  if (limits) return limits;
  const node = typeof document !== 'undefined' ? document.getElementById('fieldwork-limits') : null;
  if (!node) throw new Error('This page has no #fieldwork-limits block (templates/visits/_js_limits.html).');
  limits = JSON.parse(node.textContent);
  return limits;
}
