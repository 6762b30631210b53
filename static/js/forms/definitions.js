// Form definitions kept on the phone by id, so that a draft started in one version keeps rendering
// that version after a new one is published (the page only embeds the current one).
import { keepForm, keptForm } from '../store.js';

/** The definition embedded in the page as <script type="application/json" id="form-definition">. */
export function embedded(doc = document) {
  const node = doc.getElementById('form-definition');
  try {
    const definition = node ? JSON.parse(node.textContent) : null;
    return definition && Array.isArray(definition.questions) ? definition : null;
  } catch {
    return null;
  }
}

export async function remember(definition) {
  if (definition) await keepForm(definition);
}

/** Version `id`: from the phone, else from the server (and then kept); null when neither has it. */
export async function find(id) {
  const kept = await keptForm(id).catch(() => null);
  if (kept) return kept;
  try {
    const response = await fetch(`/api/v1/forms/${encodeURIComponent(id)}`, { credentials: 'same-origin' });
    if (!response.ok) return null;
    const definition = await response.json();
    if (!Array.isArray(definition.questions)) return null;
    await remember(definition).catch(() => {});
    return definition;
  } catch {
    return null; // offline and never seen on this phone
  }
}
