// Photos the server will never take as they are (413/415/422, or a 400 that names the file): each is
// shown with the server's reason, and the officer chooses to send it again or to discard it. Nothing
// leaves the phone without that choice.
import * as store from './store.js';
import { t, when } from './i18n.js';
import { photoUrl } from './photos.js';
import { changed, onChange, syncNow } from './sync.js';

const section = document.querySelector('[data-refused-photos]');
const me = document.querySelector('meta[name="fieldwork-user"]');
const officerId = me?.dataset.role === 'officer' ? me.content : null;
const thumbnails = [];

function button(label, className, onClick) {
  const node = document.createElement('button');
  node.type = 'button';
  node.className = `button small ${className}`;
  node.textContent = label;
  node.addEventListener('click', onClick);
  return node;
}

function item(photo) {
  const li = document.createElement('li');
  li.dataset.refusedPhoto = photo.id;
  const img = document.createElement('img');
  img.src = photoUrl(photo);
  thumbnails.push(img.src);
  img.alt = t('refused_photo_taken', { when: when(photo.taken_at) });
  img.width = 96;
  img.height = 96;
  const text = document.createElement('p');
  text.textContent = [t('refused_photo_taken', { when: when(photo.taken_at) }), photo.error].filter(Boolean).join(' · ');
  const retry = button(t('photo_retry'), 'secondary', async () => {
    await store.retryPhoto(photo.id);
    changed();
    syncNow(officerId, { force: true });
  });
  const discard = button(t('photo_discard'), 'danger', async () => {
    if (!window.confirm(t('photo_discard_confirm'))) return;
    await store.deletePhoto(photo.id);
    changed();
  });
  li.append(img, text, retry, discard);
  return li;
}

async function render() {
  const photos = await store.refusedPhotos(officerId);
  thumbnails.splice(0).forEach((url) => URL.revokeObjectURL(url));
  section.querySelector('[data-refused-list]').replaceChildren(...photos.map(item));
  section.hidden = !photos.length;
  section.dataset.count = String(photos.length);
}

if (section && officerId) {
  onChange(() => render());
  render();
}
