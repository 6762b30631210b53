// The store's database: its schema, its upgrades and its one handle per page (store.js is the way in).
import { openDB, request, transact } from './idb.js';
import { t } from './i18n.js';

const DB_NAME = 'fieldwork';
const DB_VERSION = 3;
/** Meta key set by the version-3 upgrade while the old forms database waits to be moved (store-legacy.js). */
export const LEGACY_FORMS_PENDING = 'legacy_forms_pending';
let opening = null;
let outdated = false;
let blockedSaid = false; // this page showed "close the other tabs": cleared once the upgrade goes through

// The notices (storage-notice.js) are fetched only when one is shown or cleared: most pages never need them.
// One promise, so a clear runs after the show it clears; a failed fetch loses the notice, never the database.
let notices = null;
function tell(name) {
  notices ||= import('./storage-notice.js');
  notices.then((module) => module[name]()).catch(() => { notices = null; });
}

function upgrade(database, oldVersion, tx) {
  if (oldVersion < 1) {
    // drafts: {id, officer_id, mipyme_id, fields, revision, kind: 'new'|'returned'|'rejected', errors, updated_at}
    database.createObjectStore('drafts', { keyPath: 'id' }).createIndex('officer', 'officer_id');
    // outbox: {id (visit UUID), officer_id, visit (API payload), content_id, queued_at, attempts, last_error}
    const outbox = database.createObjectStore('outbox', { keyPath: 'id' });
    outbox.createIndex('officer', 'officer_id');
    // photos: {id (photo UUID), visit_id, officer_id, type, data: ArrayBuffer, width, height, state, error}
    // state: 'draft' (with a draft), 'queued' (waiting for its visit, then upload), 'refused' (the server
    // will never take it as it is: the officer retries or discards it).
    const photos = database.createObjectStore('photos', { keyPath: 'id' });
    photos.createIndex('visit', 'visit_id');
    photos.createIndex('officer', 'officer_id');
    database.createObjectStore('meta', { keyPath: 'key' });
  }
  if (oldVersion < 2) {
    // One new-visit draft per Mipyme: drafts are found by [officer, Mipyme].
    const drafts = tx.objectStore('drafts');
    drafts.createIndex('mipyme', ['officer_id', 'mipyme_id']);
    drafts.openCursor().onsuccess = (event) => {
      const cursor = event.target.result;
      if (!cursor) return;
      cursor.update({ ...cursor.value, mipyme_id: String(cursor.value.fields?.mipyme_id || '') });
      cursor.continue();
    };
    // Version 1 parked photos as 'failed' after any 4xx, a CSRF or session answer included: send them again.
    tx.objectStore('photos').openCursor().onsuccess = (event) => {
      const cursor = event.target.result;
      if (!cursor) return;
      if (cursor.value.state === 'failed') cursor.update({ ...cursor.value, state: 'queued', error: null });
      cursor.continue();
    };
  }
  if (oldVersion < 3) {
    // forms: the programme's form definitions by version id, kept so a draft renders its own version offline.
    // Until version 3 they lived in a database of their own: moved here once after this upgrade.
    database.createObjectStore('forms', { keyPath: 'id' });
    tx.objectStore('meta').put({ key: LEGACY_FORMS_PENDING, value: true });
  }
}

/** The database, opened once per page; closed (and the page told to reload) when a newer tab upgrades it. */
export function db() {
  if (outdated) return Promise.reject(new Error(t('storage_outdated')));
  opening ||= openDB(DB_NAME, DB_VERSION, upgrade, {
    onVersionChange: () => { outdated = true; opening = null; tell('showOutdated'); },
    onBlocked: () => { blockedSaid = true; tell('showBlocked'); },
  }).then(async (database) => {
    if (blockedSaid) { blockedSaid = false; tell('clearBlocked'); }
    await moveLegacy(database).catch(() => {}); // a cache: failing to move it loses nothing to send
    return database;
  }, (error) => { opening = null; throw error; });
  return opening;
}

/** Move the old forms database once after the version-3 upgrade; store-legacy.js is fetched only then (the
 * upgrade callback is synchronous: it only sets the mark, read here after the open). */
async function moveLegacy(database) {
  const pending = await transact(database, 'meta', 'readonly', (s) => request(s.meta.get(LEGACY_FORMS_PENDING)));
  if (pending?.value) await (await import('./store-legacy.js')).moveLegacyForms(database);
}

/** A random UUID (v4), also where crypto.randomUUID is missing (older WebViews, plain HTTP). */
export function newId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const mine = (records, officerId) => records.filter((r) => String(r.officer_id) === String(officerId));
export const byIndex = (store, index, value) => request(store.index(index).getAll(value));
