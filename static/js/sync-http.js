// The sync's requests and what their failures mean: the network (nothing answered), the session (401),
// the server's own wait (429 Retry-After), a server fault (5xx), or a refusal.
import { t } from './i18n.js';

export class SyncError extends Error {
  constructor(message, { login = false, retryAfter = null, network = false, status = null } = {}) {
    super(message);
    this.login = login;
    this.retryAfter = retryAfter; // seconds the server asked us to wait (429 Retry-After), else null
    this.network = network; // no answer at all: the phone may have signal while the server is out of reach
    this.status = status;
  }

  /** A fault of the server (5xx): perhaps of one visit in the batch, which sending alone finds. */
  get server() { return this.status !== null && this.status >= 500; }
}

/** A 429's Retry-After in seconds (the server sends a number), or null: then the usual back-off applies. */
function retryAfterSeconds(response) {
  const seconds = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  return response.status === 429 && Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

export async function call(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...options });
  } catch {
    throw new SyncError(t('sync_network_error'), { network: true });
  }
  if (response.status === 401) throw new SyncError(t('sync_login_required'), { login: true });
  return response;
}

export async function serverError(response) {
  let detail = '';
  try { detail = (await response.json()).error || ''; } catch { /* not JSON: a proxy's page */ }
  const { status } = response;
  const message = status >= 500 ? t('sync_server_error', { status }) : t('sync_refused', { status });
  return new SyncError(detail && status < 500 ? `${message} ${detail}` : message,
    { retryAfter: retryAfterSeconds(response), status });
}
