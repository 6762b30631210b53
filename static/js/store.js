// The phone's own storage for visits: drafts, the outbox, photos, form definitions and a few settings in
// IndexedDB, and the only module that writes there (store-db.js holds the schema, store-photos.js and
// store-forms.js the photos and the form definitions, re-exported here; store-backup.js the backup file's
// records, imported only by the backup file's own code, fetched when the officer asks for a backup).
// Every record carries officer_id (the user who made it), so one officer's visits are never sent under
// another's session.
import { getAll, get, put, request, transact } from './idb.js';
import { byIndex, db, mine, newId } from './store-db.js';
import { payloadToFields } from './visit-data.js';

export { db, newId };
export * from './store-photos.js';
export * from './store-forms.js';

// --- drafts -------------------------------------------------------------------------------------
export const getDraft = async (id) => get(await db(), 'drafts', id);
/** Store a draft under its visit id, findable by its Mipyme (`fields.mipyme_id`). */
export const saveDraft = async (draft) =>
  put(await db(), 'drafts', { ...draft, mipyme_id: String(draft.fields?.mipyme_id || ''), updated_at: Date.now() });
export async function listDrafts(officerId) {
  return mine(await getAll(await db(), 'drafts'), officerId).sort((a, b) => b.updated_at - a.updated_at);
}

/** The officer's unfinished new visit of one Mipyme ('' for the one with no Mipyme chosen yet), or null. */
export async function newDraftFor(officerId, mipymeId) {
  const found = await transact(await db(), 'drafts', 'readonly',
    (s) => request(s.drafts.index('mipyme').getAll([String(officerId), String(mipymeId || '')])));
  return found.filter((d) => d.kind === 'new').sort((a, b) => b.updated_at - a.updated_at)[0] || null;
}

/** Forget a draft and its photos (the officer discarded it). */
export async function discardDraft(id) {
  await transact(await db(), ['drafts', 'photos'], 'readwrite', async (s) => {
    for (const photo of await byIndex(s.photos, 'visit', id)) s.photos.delete(photo.id);
    s.drafts.delete(id);
  });
}

// --- outbox -------------------------------------------------------------------------------------
let lastStamp = 0;
/** Milliseconds since the epoch, strictly increasing within this page (two saves never tie). */
function stamp() {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return lastStamp;
}

/**
 * Move a draft to the outbox in one transaction: the visit is either a draft or queued, never lost.
 * Each queuing gets a new `content_id`: the server's answer removes the record only for what was sent.
 */
export async function queueVisit(draft, payload) {
  await transact(await db(), ['drafts', 'outbox', 'photos', 'meta'], 'readwrite', async (s) => {
    // A correction of a returned visit: the sync bar stops counting it "por corregir" (see correctedRevision).
    if (draft.kind === 'returned') s.meta.put({ key: `corrected:${payload.id}`, value: payload.revision });
    const existing = await request(s.outbox.get(payload.id));
    s.outbox.put({
      id: payload.id, officer_id: draft.officer_id, visit: payload, mipyme_name: draft.mipyme_name ?? null,
      title: draft.title || null, // the form's instance_name, shown as the server's lists show it
      content_id: newId(),
      queued_at: existing?.queued_at ?? stamp(), attempts: 0, last_error: null,
    });
    s.drafts.delete(draft.id);
    for (const photo of await byIndex(s.photos, 'visit', draft.id)) {
      s.photos.put({ ...photo, state: 'queued', error: null });
    }
  });
}

/** This officer's outbox, oldest first (the order in which it is sent). */
export async function listOutbox(officerId) {
  return mine(await getAll(await db(), 'outbox'), officerId).sort((a, b) => a.queued_at - b.queued_at);
}

/** Whether the outbox record still holds the content that was sent (`sent` is the record as read then). */
const unchanged = (record, sent) => record && record.content_id === sent.content_id;

/**
 * The server took the visit (created, updated or duplicate): only now does it leave the outbox, and
 * only if nothing newer was queued under its id while the batch was on its way (that goes next time).
 */
export async function acceptVisit(sent) {
  await transact(await db(), 'outbox', 'readwrite', async (s) => {
    if (unchanged(await request(s.outbox.get(sent.id)), sent)) s.outbox.delete(sent.id);
  });
}

/** The server refused the visit: back to the drafts with its errors and photos (unless newer content waits). */
export async function rejectVisit(sent, errors) {
  const { id } = sent;
  await transact(await db(), ['drafts', 'outbox', 'photos'], 'readwrite', async (s) => {
    const record = await request(s.outbox.get(id));
    if (!unchanged(record, sent)) return;
    const fields = payloadToFields(record.visit);
    s.drafts.put({
      id, officer_id: record.officer_id, mipyme_id: String(fields.mipyme_id || ''), fields,
      revision: record.visit.revision ?? 1, kind: 'rejected', errors: errors || {}, updated_at: Date.now(),
      mipyme_name: record.mipyme_name ?? null,
    });
    s.outbox.delete(id);
    for (const photo of await byIndex(s.photos, 'visit', id)) s.photos.put({ ...photo, state: 'draft' });
  });
}

/** A visit waiting in the outbox, back to the drafts to be edited before it goes (same revision: the
 * server has not stored it, or stores the edit as an update). Null when it has just been sent. */
export async function reopenQueued(id) {
  return transact(await db(), ['drafts', 'outbox', 'photos'], 'readwrite', async (s) => {
    const record = await request(s.outbox.get(id));
    if (!record) return null;
    const draft = {
      id, officer_id: record.officer_id, fields: payloadToFields(record.visit), revision: record.visit.revision ?? 1,
      kind: 'pending', errors: {}, updated_at: Date.now(), mipyme_name: record.mipyme_name ?? null,
    };
    s.drafts.put(draft);
    s.outbox.delete(id);
    for (const photo of await byIndex(s.photos, 'visit', id)) s.photos.put({ ...photo, state: 'draft' });
    return draft;
  });
}

/** The revision of the last correction of a returned visit queued on this phone (0: none). */
export const correctedRevision = async (id) => Number(await getMeta(`corrected:${id}`, 0));

/** Visits of other accounts waiting on this phone (shown to the person logged in only as a number). */
export async function countOthers(officerId) {
  const all = [...(await getAll(await db(), 'outbox')), ...(await getAll(await db(), 'drafts'))];
  return all.filter((r) => String(r.officer_id) !== String(officerId)).length;
}

/** Note a failed attempt on the records of a batch (nothing is dropped); `server`: the server failed on
 * it (5xx), counted apart, since it may be one visit's fault (sync-send.js sends those alone). */
export async function noteAttempt(ids, message, { server = false } = {}) {
  await transact(await db(), 'outbox', 'readwrite', async (s) => {
    for (const id of ids) {
      const record = await request(s.outbox.get(id));
      if (!record) continue;
      const faults = (record.server_failures || 0) + (server ? 1 : 0);
      s.outbox.put({ ...record, attempts: (record.attempts || 0) + 1, last_error: message, server_failures: faults });
    }
  });
}

/** Sent alone, the server still failed on this visit: it stays, marked for the officer (unless newer
 * content was queued meanwhile, which gets its own chance). */
export async function markStuck(sent, message) {
  await transact(await db(), 'outbox', 'readwrite', async (s) => {
    const record = await request(s.outbox.get(sent.id));
    if (unchanged(record, sent)) s.outbox.put({ ...record, stuck: true, last_error: message });
  });
}

// --- meta ---------------------------------------------------------------------------------------
export async function getMeta(key, fallback = null) {
  const record = await get(await db(), 'meta', key);
  return record ? record.value : fallback;
}
export const setMeta = async (key, value) => put(await db(), 'meta', { key, value });

/** What the sync bar shows: pending visits, drafts sent back, photos waiting, photos the server refused. */
export async function counts(officerId) {
  const [outbox, drafts, photos] = await Promise.all([
    listOutbox(officerId), listDrafts(officerId),
    getAll(await db(), 'photos').then((all) => mine(all, officerId)),
  ]);
  return {
    pending: outbox.length,
    rejected: drafts.filter((d) => d.kind === 'rejected').length,
    drafts: drafts.length,
    photos: photos.filter((p) => p.state === 'queued').length,
    refusedPhotos: photos.filter((p) => p.state === 'refused').length,
  };
}
