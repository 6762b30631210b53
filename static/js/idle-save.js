// A save that typing asks for, run when the phone is idle (after the letter is painted and any next key
// handled; within a second at worst), not in the keystroke's frame: reading a long form's answers and
// storing them (IndexedDB clones the whole draft) would otherwise delay every letter, and letters typed
// meanwhile share one save. Leaving the page (beforeunload: the next page is still being fetched, time
// enough for IndexedDB; pagehide) or hiding it (a phone may freeze or kill a background tab) saves at once.
const idle = window.requestIdleCallback // not in Safari: a short timer there
  ? { start: (run) => requestIdleCallback(run, { timeout: 1000 }), stop: (id) => cancelIdleCallback(id) }
  : { start: (run) => setTimeout(run, 100), stop: (id) => clearTimeout(id) };

/**
 * `save()` → its promise, `last()` → the promise of the save under way. Returns {soon(): ask for a save,
 * flush(): the save asked for, now (none asked: last())}: whatever needs the stored draft calls flush() first.
 */
export function idleSave(save, last) {
  let queued = 0; // the idle callback of a save asked for and not started
  function flush() {
    if (!queued) return last();
    idle.stop(queued);
    queued = 0;
    return save();
  }
  window.addEventListener('beforeunload', flush);
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(); });
  return {
    soon() { if (!queued) queued = idle.start(flush); },
    flush,
  };
}
