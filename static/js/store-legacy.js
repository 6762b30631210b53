// Data left by older versions of the app in databases of their own, moved into the store once.
// Until store version 3 the form definitions lived in the "fieldwork-forms" database: the upgrade
// marks them pending, the first page to open the store copies them and then deletes that database.
// Fetched by store-db.js only while that mark is set: every other page never loads this file.
import { openDB, request, transact } from './idb.js';
import { LEGACY_FORMS_PENDING } from './store-db.js';

const LEGACY_FORMS_DB = 'fieldwork-forms';

/** The definitions kept in the old database; [] when it does not exist (opening it must not create it). */
async function legacyDefinitions() {
  let legacy;
  try {
    legacy = await openDB(LEGACY_FORMS_DB, undefined, (_database, oldVersion, tx) => {
      if (oldVersion === 0) tx.abort(); // it was never there
    });
  } catch {
    return [];
  }
  try {
    if (!legacy.objectStoreNames.contains('definitions')) return [];
    return await transact(legacy, 'definitions', 'readonly', (s) => request(s.definitions.getAll()));
  } finally {
    legacy.close();
  }
}

function deleteLegacy() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(LEGACY_FORMS_DB);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
  });
}

/**
 * Copy the old database's definitions into `forms` (never over one already there), then delete it; called
 * by store-db.js when the pending mark is set. The mark goes only once the old database is deleted: a page
 * closed half-way copies again, harmlessly. The deletion is not awaited: a tab of the old version holding
 * it open would hold the store up.
 */
export async function moveLegacyForms(database) {
  const definitions = await legacyDefinitions();
  await transact(database, 'forms', 'readwrite', async (s) => {
    for (const definition of definitions) {
      if (definition?.id == null) continue;
      if ((await request(s.forms.getKey(definition.id))) === undefined) s.forms.put(definition);
    }
  });
  deleteLegacy()
    .then(() => transact(database, 'meta', 'readwrite', (s) => s.meta.delete(LEGACY_FORMS_PENDING)))
    .catch(() => {}); // tried again by the next page
}
