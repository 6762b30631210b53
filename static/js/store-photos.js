// The store's photos: kept as ArrayBuffer with their type (not Blob: Safari's Blob-in-IndexedDB faults),
// 'draft' with a draft, 'queued' once their visit is, 'refused' when the server will never take them as
// they are. Re-exported by store.js, the way in.
import { getAllFromIndex, put, request, transact } from './idb.js';
import { byIndex, db, mine } from './store-db.js';

export const addPhoto = async (photo) => put(await db(), 'photos', { state: 'draft', ...photo });
export const deletePhoto = async (id) => transact(await db(), 'photos', 'readwrite', (s) => request(s.photos.delete(id)));
export const getPhoto = async (id) => transact(await db(), 'photos', 'readonly', (s) => request(s.photos.get(id)));
export const photosFor = async (visitId) =>
  transact(await db(), 'photos', 'readonly', (s) => byIndex(s.photos, 'visit', visitId));

/** Photos waiting for upload whose visit the server has already accepted (it left the outbox). */
export async function photosToUpload(officerId) {
  return transact(await db(), ['photos', 'outbox', 'drafts'], 'readonly', async (s) => {
    const queued = mine(await byIndex(s.photos, 'officer', officerId), officerId).filter((p) => p.state === 'queued');
    const ready = [];
    for (const photo of queued) {
      const waiting = (await request(s.outbox.count(photo.visit_id))) + (await request(s.drafts.count(photo.visit_id)));
      if (!waiting) ready.push(photo);
    }
    return ready.sort((a, b) => (a.taken_at || 0) - (b.taken_at || 0));
  });
}

/** The server will never take this photo as it is (too big, not an image): keep it and say why. */
export async function markPhotoRefused(id, reason) {
  await transact(await db(), 'photos', 'readwrite', async (s) => {
    const photo = await request(s.photos.get(id));
    if (photo) s.photos.put({ ...photo, state: 'refused', error: reason });
  });
}

/** The officer's photos the server refused, with the reason, oldest first. */
export async function refusedPhotos(officerId) {
  const all = mine(await getAllFromIndex(await db(), 'photos', 'officer', officerId), officerId);
  return all.filter((p) => p.state === 'refused').sort((a, b) => (a.taken_at || 0) - (b.taken_at || 0));
}

/** The officer asked to send a refused photo again. */
export async function retryPhoto(id) {
  await transact(await db(), 'photos', 'readwrite', async (s) => {
    const photo = await request(s.photos.get(id));
    if (photo) s.photos.put({ ...photo, state: 'queued', error: null });
  });
}
