// The backup file itself ("Descargar respaldo" / "Cargar respaldo" on "Mis visitas"): the outbox (visits and
// their photos, photos as base64) as one JSON file, and back into the outbox of any phone where the same
// officer logs in. Loading puts records in the outbox only: they go through the same sync, under the
// session's own account, so a visit the office already has comes back "duplicate" and changes nothing;
// loading twice adds nothing. Fetched by backup.js only when the officer asks for a backup or loads one.
import { listOutbox } from './store.js';
import { photosToBackUp, restoreBackup } from './store-backup.js';
import { t } from './i18n.js';

const FORMAT = 'fieldwork-backup';
const VERSION = 1;
const CHUNK = 0x8000;

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** The officer's outbox and every photo still to send, as the backup file's object. */
export async function makeBackup(officer) {
  const visits = await listOutbox(officer.id);
  const waiting = await photosToBackUp(officer.id, visits.map((v) => v.id));
  return {
    format: FORMAT, version: VERSION, officer_id: String(officer.id), officer_name: officer.name,
    created_at: new Date().toISOString(),
    visits: visits.map(({ id, visit, mipyme_name: name, queued_at: queued }) => ({ id, visit, mipyme_name: name ?? null, queued_at: queued })),
    photos: waiting.map(({ data, ...photo }) => ({ ...photo, data: toBase64(data) })),
  };
}

/** Check a parsed file; a Spanish message when it cannot be loaded by `officer`, else null. */
export function refusal(backup, officer) {
  if (!backup || backup.format !== FORMAT || !Array.isArray(backup.visits) || !Array.isArray(backup.photos)) {
    return t('backup_invalid');
  }
  if (String(backup.officer_id) !== String(officer.id)) {
    return t('backup_other_officer', { name: backup.officer_name || backup.officer_id });
  }
  const bad = backup.visits.some((v) => !v || typeof v.id !== 'string' || !v.visit || v.visit.id !== v.id);
  return bad ? t('backup_invalid') : null;
}

/** Put what the phone does not hold yet into the outbox; {visits, photos}: how many were new. */
export function loadBackup(backup, officer) {
  const photos = backup.photos.map((photo) => {
    if (typeof photo?.data !== 'string') return { ...photo, data: null };
    try { return { ...photo, data: fromBase64(photo.data) }; } catch { return { ...photo, data: null }; }
  });
  return restoreBackup(officer.id, backup.visits, photos);
}

/** Hand `backup` to the browser as a downloaded JSON file. */
export function download(backup) {
  const blob = new Blob([JSON.stringify(backup)], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `fieldwork-respaldo-${backup.created_at.slice(0, 16).replace(/[:T]/g, '-')}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
