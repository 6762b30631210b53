// "Descargar respaldo" / "Cargar respaldo" on "Mis visitas": only the two controls are wired when the page
// opens. Making and reading the file (backup-file.js, and the store's side, store-backup.js) is fetched on
// the first click or file chosen: most visits to the page never use it, and the phone pays for every byte
// it downloads and parses at start. The worker precaches every static file, so this works offline too.
import { t } from './i18n.js';
import { changed, syncNow } from './sync.js';

const work = () => import('./backup-file.js');

const section = document.querySelector('[data-backup]');
if (section) {
  const officer = { id: section.dataset.officer, name: section.dataset.officerName };
  const status = section.querySelector('[data-backup-status]');
  const say = (text, kind) => { status.textContent = text; status.className = `notice notice-${kind}`; status.hidden = false; };
  section.hidden = false;
  section.querySelector('[data-backup-download]').addEventListener('click', async () => {
    const { makeBackup, download } = await work();
    const backup = await makeBackup(officer);
    download(backup);
    say(t('backup_done', { visits: backup.visits.length, photos: backup.photos.length }), 'ok');
  });
  section.querySelector('[data-backup-file]').addEventListener('change', async (event) => {
    const [file] = event.target.files;
    event.target.value = '';
    if (!file) return;
    const { loadBackup, refusal } = await work();
    let backup = null;
    try { backup = JSON.parse(await file.text()); } catch { /* refused below */ }
    const problem = refusal(backup, officer);
    if (problem) { say(problem, 'error'); return; }
    const added = await loadBackup(backup, officer);
    changed();
    if (!added.visits && !added.photos) say(t('backup_nothing_new'), 'info');
    else say(t('backup_loaded', added), 'ok');
    section.dataset.loaded = String(Date.now());
    if (navigator.onLine) syncNow(officer.id, { force: true });
  });
}
