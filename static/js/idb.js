// A tiny promise wrapper over IndexedDB, after jakearchibald/idb: every write resolves only when its
// transaction has completed (tx.oncomplete), so "saved" on screen means saved on the disk.

/** Resolve with the request's result, reject with its error. */
export function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolve when the transaction commits; reject when it aborts or fails. */
export function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new DOMException('Transaction aborted', 'AbortError'));
  });
}

/**
 * Open (and upgrade) a database; `upgrade(db, oldVersion, tx)` creates the stores.
 * `onVersionChange()` runs after this handle was closed because another tab opens a newer schema: an
 * open handle would block that upgrade, and this page's code no longer matches the data. `onBlocked()`
 * runs while older tabs hold the database open; the open then goes on once they close it.
 */
export function openDB(name, version, upgrade, { onVersionChange = () => {}, onBlocked = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, version);
    req.onupgradeneeded = (event) => upgrade(req.result, event.oldVersion, req.transaction);
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => { db.close(); onVersionChange(); };
      resolve(db);
    };
    req.onerror = () => reject(req.error);
    req.onblocked = () => onBlocked();
  });
}

/**
 * Run `work(stores, tx)` in one transaction over `storeNames` and resolve with its result once the
 * transaction has committed. `stores` maps each name to its object store.
 */
export async function transact(db, storeNames, mode, work) {
  const names = Array.isArray(storeNames) ? storeNames : [storeNames];
  const tx = db.transaction(names, mode);
  const finished = done(tx);
  const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
  let result;
  try {
    result = await work(stores, tx);
  } catch (error) {
    try { tx.abort(); } catch { /* already finished */ }
    await finished.catch(() => {});
    throw error;
  }
  await finished;
  return result;
}

export const get = (db, store, key) => transact(db, store, 'readonly', (s) => request(s[store].get(key)));
export const getAll = (db, store) => transact(db, store, 'readonly', (s) => request(s[store].getAll()));
export const put = (db, store, value) => transact(db, store, 'readwrite', (s) => request(s[store].put(value)));
export const del = (db, store, key) => transact(db, store, 'readwrite', (s) => request(s[store].delete(key)));

/** All records of `store` whose index `indexName` equals `value`. */
export const getAllFromIndex = (db, store, indexName, value) =>
  transact(db, store, 'readonly', (s) => request(s[store].index(indexName).getAll(value)));
