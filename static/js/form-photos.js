// The visit form's photos: made small on the phone, stored with the draft they were taken for (even if
// the officer moved on meanwhile), and "Guardar visita" waits for the ones still being prepared. The photos
// that answer an image question (forms/widget-photo.js) go the same way, marked with their question, and are
// listed by their question rather than here.
import * as store from './store.js';
import { t } from './i18n.js';
import { downscale, photoUrl } from './photos.js';
import { attachPhotoHost } from './forms/widget-photo.js';

/**
 * `ownerNow()` is the draft on screen; `keep(draft)` makes sure that draft is stored before a photo
 * points at it. Returns {render(draftId), idle(), busy()}.
 */
export function initPhotos(form, { officerId, ownerNow, keep }) {
  const list = form.querySelector('[data-photo-list]');
  const status = form.querySelector('[data-photo-status]');
  const thumbnails = [];
  let work = Promise.resolve();
  let inProgress = 0;

  async function render(draftId) {
    thumbnails.splice(0).forEach((url) => URL.revokeObjectURL(url));
    const photos = (await store.photosFor(draftId)).filter((photo) => !photo.question);
    list.replaceChildren(...photos.map((photo, index) => {
      const item = document.createElement('li');
      const img = document.createElement('img');
      img.src = photoUrl(photo);
      thumbnails.push(img.src);
      img.alt = t('photo_alt', { n: index + 1 });
      img.width = 96;
      img.height = 96;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'button small danger';
      remove.textContent = t('photo_remove');
      remove.addEventListener('click', async () => { await store.deletePhoto(photo.id); render(draftId); });
      item.append(img, remove);
      return item;
    }));
    list.dataset.count = String(photos.length);
  }

  /** Prepare `files` for `owner`, the draft on screen when they were chosen. */
  async function prepare(owner, files) {
    for (const file of files) {
      status.textContent = t('photo_processing');
      try {
        const image = await downscale(file);
        await keep(owner); // a photo belongs to a draft that exists
        await store.addPhoto({ id: store.newId(), visit_id: owner.id, officer_id: officerId, taken_at: Date.now(), ...image });
        status.textContent = '';
      } catch {
        status.textContent = t('photo_failed');
      }
    }
    if (ownerNow() === owner) await render(owner.id);
  }

  /** Run `task` after the photos before it; saving the visit waits for it. */
  function track(task) {
    inProgress += 1;
    form.dataset.photosInProgress = String(inProgress);
    const done = work.then(task);
    work = done.catch(() => {}).finally(() => {
      inProgress -= 1;
      form.dataset.photosInProgress = String(inProgress);
    });
    return done;
  }

  /** An image question's photo, for the draft on screen: `kept` gives the answer its id before the save
   * that waits for it reads the answers. A photo whose draft is no longer on screen is not kept. */
  const take = (file, question, kept) => {
    const owner = ownerNow();
    return track(async () => {
      const image = await downscale(file);
      await keep(owner);
      const id = store.newId();
      await store.addPhoto({ id, visit_id: owner.id, officer_id: officerId, taken_at: Date.now(), question, ...image });
      if (ownerNow() !== owner) { await store.deletePhoto(id); return; }
      kept({ id, url: photoUrl({ ...image }) });
    });
  };
  attachPhotoHost(form, {
    take,
    async show(id) {
      const photo = await store.getPhoto(id);
      return photo ? photoUrl(photo) : null;
    },
    drop: (id) => track(() => store.deletePhoto(id)),
  });

  const input = form.querySelector('[data-photo-input]');
  input.addEventListener('change', () => {
    const files = [...input.files];
    input.value = '';
    const owner = ownerNow();
    track(() => prepare(owner, files));
  });
  form.querySelector('[data-photos]').hidden = false;
  return { render, idle: () => work, busy: () => inProgress > 0 };
}
