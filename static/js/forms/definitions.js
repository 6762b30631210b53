// Form definitions kept on the phone by id, so that a draft started in one version keeps rendering
// that version after a new one is published (the page only embeds the current one); and the current
// version, asked for at every sync, so that a published one reaches the phone from whatever page syncs.
import { getMeta, keepForm, keptForm, setMeta } from '../store.js';

// {id, version, title, etag}: the version new visits start in, as the last sync heard it.
const HELD = 'form:current';

/** The definition embedded in the page as <script type="application/json" id="form-definition">. */
export function embedded(doc = document) {
  const node = doc.getElementById('form-definition');
  try {
    const definition = node ? JSON.parse(node.textContent) : null;
    return definition && Array.isArray(definition.questions) ? definition : null;
  } catch {
    return null;
  }
}

export async function remember(definition) {
  if (definition) await keepForm(definition);
}

/** Version `id`: from the phone, else from the server (and then kept); null when neither has it. */
export async function find(id) {
  const kept = await keptForm(id).catch(() => null);
  if (kept) return kept;
  try {
    const response = await fetch(`/api/v1/forms/${encodeURIComponent(id)}`, { credentials: 'same-origin' });
    if (!response.ok) return null;
    const definition = await response.json();
    if (!Array.isArray(definition.questions)) return null;
    await remember(definition).catch(() => {});
    return definition;
  } catch {
    return null; // offline and never seen on this phone
  }
}

/** The current version as this phone last heard it ({id, version, title}), or null. */
export const held = () => getMeta(HELD, null).catch(() => null);

/**
 * Ask the server for the current version and keep it, cheaply: the ETag of the one held goes as
 * If-None-Match, so while nothing is published the answer is a 304 of a few bytes. Resolves with the
 * version held afterwards (null when none is published), or undefined when the server could not say
 * (offline, session ended): then nothing changes on the phone.
 */
export async function refreshCurrent() {
  const before = await held();
  let response;
  try {
    response = await fetch('/api/v1/forms/current', {
      credentials: 'same-origin', cache: 'no-store', headers: before?.etag ? { 'If-None-Match': before.etag } : {},
    });
  } catch {
    return undefined;
  }
  if (!response.ok) await response.text().catch(() => {}); // unread, Chromium holds the request open
  if (response.status === 304) return before;
  if (response.status === 404) { // nothing published (any more): no version to show
    if (before) await setMeta(HELD, null);
    return null;
  }
  if (!response.ok) return undefined;
  const definition = await response.json().catch(() => null);
  if (!definition || !Array.isArray(definition.questions)) return undefined;
  await remember(definition);
  const { id, version, title } = definition;
  const now = { id, version, title, etag: response.headers.get('ETag') };
  await setMeta(HELD, now);
  return now;
}
