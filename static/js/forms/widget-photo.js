// A photo as an answer (image questions): taken with the camera, made small on the phone (photos.js), kept
// with the visit's other photos and sent after it; the answer is the photo's id. On the officer's visit form
// the photos' keeper (form-photos.js) stores it with the draft on screen, so it waits offline and "Guardar
// visita" waits for it; elsewhere (the supervisor's preview) it stays in the page, and nothing is saved.
import { downscale, photoUrl } from '../photos.js';
import { button, changed, el, say, status } from './widget-common.js';

const hosts = new WeakMap(); // form → its photos' keeper
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * form-photos.js makes itself the keeper of `form`'s answer photos: `host` is
 * {take(file, question, kept) → Promise (kept({id, url}) once stored, unless the draft on screen changed),
 *  show(id) → Promise<url | null>, drop(id) → Promise}.
 */
export const attachPhotoHost = (form, host) => hosts.set(form, host);

/** Where nothing is stored (the preview): the photos of this page, in memory. */
const inPage = new Map(); // id → object URL
const pageHost = {
  async take(file, question, kept) {
    const image = await downscale(file);
    const id = crypto.randomUUID();
    inPage.set(id, photoUrl(image));
    kept({ id, url: inPage.get(id) });
  },
  show: async (id) => inPage.get(id) || null,
  async drop(id) { URL.revokeObjectURL(inPage.get(id)); inPage.delete(id); },
};

export function photoWidget(question, { id, name }) {
  const file = el('input', { type: 'file', accept: 'image/*', hidden: true, tabIndex: -1 });
  file.setAttribute('capture', 'environment');
  const take = button(say('widget_photo_take'), 'secondary');
  const remove = button(say('widget_photo_remove'), 'danger', { hidden: true });
  const thumb = el('img', { className: 'widget-thumb', alt: say('widget_photo_alt'), width: 160, height: 160, hidden: true });
  const state = status();
  let photoId = null;
  let shown = 0; // the latest write or take: a thumbnail found late for an earlier one is dropped
  const host = () => hosts.get(take.closest('form')) || pageHost;

  function display(url, text) {
    if (thumb.src.startsWith('blob:') && thumb.src !== url) URL.revokeObjectURL(thumb.src);
    thumb.hidden = !url;
    if (url) thumb.src = url;
    else thumb.removeAttribute('src');
    state.textContent = text;
    take.textContent = say(photoId ? 'widget_photo_change' : 'widget_photo_take');
    remove.hidden = !photoId;
  }

  take.addEventListener('click', () => file.click());
  file.addEventListener('change', () => {
    const [picked] = file.files;
    file.value = '';
    if (!picked) return;
    const turn = ++shown;
    const before = photoId;
    state.textContent = say('photo_processing');
    take.disabled = true;
    host().take(picked, name, ({ id: kept, url }) => {
      if (turn !== shown) { host().drop(kept); return; }
      photoId = kept;
      display(url, say('widget_photo_kept'));
      if (before) host().drop(before); // "Cambiar foto": the photo it replaces is not sent
      changed(node);
    }).catch(() => {
      if (turn === shown) state.textContent = say('photo_failed');
    }).finally(() => { take.disabled = false; });
  });
  remove.addEventListener('click', () => {
    const gone = photoId;
    shown += 1;
    photoId = null;
    display(null, '');
    host().drop(gone);
    changed(node);
    take.focus();
  });

  // A fieldset carries the answer's name: the form's listeners know which answer changed, a server's error finds it.
  const node = el('fieldset', { className: 'widget widget-image', name, id }, thumb, state,
    el('div', { className: 'widget-actions' }, take, remove), file);
  return {
    node,
    read: () => ({ value: photoId }),
    async write(value) {
      const turn = ++shown;
      photoId = typeof value === 'string' && UUID.test(value) ? value : null;
      display(null, '');
      if (!photoId) return;
      const url = await host().show(photoId).catch(() => null);
      if (turn !== shown) return;
      if (url) { display(url, say('widget_photo_kept')); return; }
      // Sent already (a returned visit): the server has it; offline, the page says so instead of a broken image.
      thumb.onerror = () => { if (turn === shown) display(null, say('widget_photo_elsewhere')); };
      display(`/api/v1/photos/${photoId}`, '');
    },
    focus: () => take.focus(),
  };
}
