// What one sync run sends: the outbox's visits (in batches, oldest first) and then the photos of visits
// the server holds. A record leaves the phone only on the server's word for its id.
//
// A server fault (5xx) may come from one visit the server cannot take: the batch is tried SERVER_TRIES
// times (the run's back-off in between), then its visits go one at a time, so that the others arrive and
// the one that fails stays on the phone, marked for the officer ("El servidor no pudo recibir esta
// visita…"), and goes alone, after the others, at every later run.
import * as store from './store.js';
import { t, tn } from './i18n.js';
import { SyncError, call, serverError } from './sync-http.js';

const BATCH_SIZE = 100;
export const SERVER_TRIES = 3;
// Sent alone, this many server faults in a row look like the server down, not a visit: stop, back off.
const ALONE_GIVE_UP = 3;

/** Send `batch` and return how many visits the server took; note a failed attempt on its records (server
 * faults apart) and throw the SyncError. */
async function sendBatch(batch, csrf, changed) {
  let response;
  try {
    response = await call('/api/v1/visits/sync', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
      body: JSON.stringify({ visits: batch.map((r) => r.visit) }),
    });
    if (response.status !== 200) throw await serverError(response);
  } catch (error) {
    if (error instanceof SyncError) await store.noteAttempt(batch.map((r) => r.id), error.message, { server: error.server });
    throw error;
  }
  const body = await response.json();
  const results = new Map((body.results || []).map((r) => [r.id, r]));
  let received = 0;
  for (const record of batch) {
    const result = results.get(record.id);
    if (!result) continue; // No answer for this id: it stays, and goes again next time.
    // `record` is what was sent: content queued under its id meanwhile stays for the next send.
    if (['created', 'updated', 'duplicate'].includes(result.status)) {
      await store.acceptVisit(record);
      received += 1;
    }
    else if (result.status === 'rejected') await store.rejectVisit(record, result.errors);
  }
  changed();
  return received;
}

const serverFaults = (record) => record.server_failures || 0;

/** Send the outbox; returns how many visits the server took and, when visits it cannot take stay marked,
 * the SyncError to report. */
export async function sendVisits(officerId, csrf, changed) {
  const outbox = await store.listOutbox(officerId);
  const alone = outbox.filter((r) => serverFaults(r) >= SERVER_TRIES);
  alone.sort((a, b) => Number(Boolean(a.stuck)) - Number(Boolean(b.stuck))); // the marked ones last
  const together = outbox.filter((r) => serverFaults(r) < SERVER_TRIES);
  let received = 0;
  for (let start = 0; start < together.length; start += BATCH_SIZE) {
    const batch = together.slice(start, start + BATCH_SIZE);
    try {
      received += await sendBatch(batch, csrf, changed);
    } catch (error) {
      // The batch's last try: its visits go one at a time now, before the marked ones.
      if (!error.server || batch.some((r) => serverFaults(r) + 1 < SERVER_TRIES)) throw error;
      alone.unshift(...batch);
    }
  }
  let stuck = 0;
  let inARow = 0;
  for (const record of alone) {
    try {
      received += await sendBatch([record], csrf, changed);
      inARow = 0;
    } catch (error) {
      if (!error.server) throw error;
      await store.markStuck(record, t('sync_visit_stuck', { status: error.status }));
      changed();
      stuck += 1;
      inARow += 1;
      if (inARow >= ALONE_GIVE_UP) throw error;
    }
  }
  // The others went; the caller still counts the run as failed, so the marked ones go again with back-off.
  return { received, stuck: stuck ? new SyncError(tn('sync_stuck', stuck), { status: 500 }) : null };
}

// What the server answers when it will never take a file as it is (too big, not an image it accepts).
const PHOTO_REFUSED = new Set([413, 415, 422]);

/** The Spanish reason in a refusal's body ({"errors": {field: [...]}} or {"error": "..."}), if any. */
async function refusalReason(response) {
  try {
    const body = await response.json();
    const fieldMessages = Object.values(body.errors || {}).flat().join(' ');
    return { fieldMessages, text: fieldMessages || body.error || '' };
  } catch {
    return { fieldMessages: '', text: '' };
  }
}

export async function sendPhotos(officerId, csrf, changed) {
  for (const photo of await store.photosToUpload(officerId)) {
    const form = new FormData();
    form.append('photo_id', photo.id);
    form.append('file', new Blob([photo.data], { type: photo.type }), `${photo.id}.jpg`);
    const response = await call(`/api/v1/visits/${encodeURIComponent(photo.visit_id)}/photos`, {
      method: 'POST', headers: { 'X-CSRFToken': csrf }, body: form,
    });
    if (response.status === 200 || response.status === 201) {
      await store.deletePhoto(photo.id); // Only a stored photo leaves the phone.
    } else {
      const reason = await refusalReason(response);
      // A 400 that names the file (not an image) is the file's fault; a 400 without field errors is the
      // CSRF token, and 401/403/404/408/429/5xx are the session's or the server's moment: all retried.
      const refused = PHOTO_REFUSED.has(response.status) || (response.status === 400 && reason.fieldMessages);
      if (!refused) throw new SyncError(t('sync_photo_retry', { status: response.status }));
      await store.markPhotoRefused(photo.id, reason.text || t('sync_refused', { status: response.status }));
    }
    changed();
  }
}
