// The store's side of the backup file (backup-file.js): what goes in it, and putting a file's records back
// into the outbox. Not re-exported by store.js: only backup-file.js needs it, fetched on the officer's
// first "Descargar respaldo" or "Cargar respaldo", so no page loads it at start.
import { request, transact } from './idb.js';
import { db } from './store-db.js';

/** The officer's photos still to send: those of queued visits (`visitIds`) and any not on a draft. */
export async function photosToBackUp(officerId, visitIds) {
  const photos = await transact(await db(), 'photos', 'readonly', (s) => request(s.photos.index('officer').getAll(officerId)));
  return photos.filter((p) => p.state !== 'draft' || visitIds.includes(p.visit_id));
}

/**
 * Put what the phone does not hold yet into the outbox, in one transaction; {visits, photos}: how many
 * were new. `visits`: [{id, visit, mipyme_name, queued_at}]; `photos`: photo records, `data` an ArrayBuffer
 * (null when the file's copy was unreadable: skipped).
 */
export async function restoreBackup(officerId, visits, photos) {
  const added = { visits: 0, photos: 0 };
  await transact(await db(), ['outbox', 'drafts', 'photos', 'meta'], 'readwrite', async (s) => {
    for (const [index, record] of visits.entries()) {
      // Already here (waiting, or being edited as a draft): the phone's copy is the newer one. Loaded
      // before (and perhaps sent since): this revision was taken once, that is enough.
      const revision = Number(record.visit.revision) || 1;
      const loaded = await request(s.meta.get(`restored:${record.id}`));
      if ((loaded && loaded.value >= revision) || (await request(s.outbox.count(record.id))) ||
          (await request(s.drafts.count(record.id)))) continue;
      s.meta.put({ key: `restored:${record.id}`, value: revision });
      s.outbox.put({
        id: record.id, officer_id: String(officerId), visit: record.visit, mipyme_name: record.mipyme_name ?? null,
        queued_at: Number(record.queued_at) || Date.now() + index, attempts: 0, last_error: null,
      });
      added.visits += 1;
    }
    for (const photo of photos) {
      const loaded = await request(s.meta.get(`restored-photo:${photo?.id}`));
      if (!photo?.id || !photo.data || loaded || (await request(s.photos.count(photo.id)))) continue;
      s.meta.put({ key: `restored-photo:${photo.id}`, value: true });
      s.photos.put({ ...photo, officer_id: String(officerId), state: 'queued', error: null });
      added.photos += 1;
    }
  });
  return added;
}
