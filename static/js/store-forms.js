// Form definitions kept on the phone by version id (forms/definitions.js decides when to keep and look).
import { get, put } from './idb.js';
import { db } from './store-db.js';

/** The definition of version `id` kept on this phone, or undefined. */
export const keptForm = async (id) => get(await db(), 'forms', id);
export const keepForm = async (definition) => put(await db(), 'forms', definition);
