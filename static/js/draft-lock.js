// One tab owns a draft at a time (Web Locks API): a second tab that opens the same draft is told so and
// waits, read-only, instead of saving a second copy under the same visit id (which the server would
// take as an edit, and the last tab to save would silently win).
const PREFIX = 'fieldwork-draft';
let held = null; // {name, release}

/**
 * The lock of a draft: a new visit's by its Mipyme (one draft per Mipyme, even before it is stored);
 * a returned or rejected one, or a new one with no Mipyme chosen yet, by its visit id.
 */
export function slotOf(officerId, draft) {
  return draft.kind === 'new' && draft.fields?.mipyme_id
    ? `${PREFIX}:${officerId}:mipyme:${draft.fields.mipyme_id}`
    : `${PREFIX}:${officerId}:visit:${draft.id}`;
}

/** Let go of the draft this tab holds (it opens another one, or the draft left for the outbox). */
export function release() {
  held?.release();
  held = null;
}

/**
 * Hold `name` for this tab; true when held, false when another tab holds it. The draft held before is
 * let go only once the new one is held, so a refused switch keeps what this tab had.
 */
export async function claim(name) {
  if (held?.name === name) return true;
  // Without Web Locks (browsers before 2022) there is no safe way to know; one tab is the norm there.
  if (!navigator.locks) return true;
  const got = await new Promise((resolve) => {
    navigator.locks.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) { resolve(null); return undefined; }
      return new Promise((letGo) => resolve({ name, release: letGo }));
    });
  });
  if (!got) return false;
  release();
  held = got;
  return true;
}

let waiting = null; // the AbortController of this tab's wait for a draft held elsewhere

/** Stop waiting for a draft held by another tab (this tab opens another one). */
export function stopWaiting() {
  waiting?.abort();
  waiting = null;
}

/** Call `then()` once `name` is free (the other tab closed or moved on), unless stopWaiting() comes first. */
export function whenFree(name, then) {
  stopWaiting();
  if (!navigator.locks) return;
  const controller = new AbortController();
  waiting = controller;
  navigator.locks.request(name, { signal: controller.signal }, () => undefined).then(() => {
    if (waiting !== controller) return;
    waiting = null;
    then();
  }, () => {}); // aborted
}
