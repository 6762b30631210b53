// One way for the offline app's parts to tell each other what happened: this page's modules, the
// officer's other tabs and the service worker all speak on one BroadcastChannel, "fieldwork" (the worker
// opens it by that name), as {type, ...detail}. A page hears its own signals too (a BroadcastChannel
// does not deliver to its sender), through an EventTarget. Commands to the worker (sw-client.js askWorker)
// stay postMessage: only a message addressed to the worker wakes it when it is stopped.
const NAME = 'fieldwork';
const here = new EventTarget();
const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(NAME) : null;

/** Tell this page, the other tabs and the worker that `type` happened. */
export function signal(type, detail = {}) {
  here.dispatchEvent(new CustomEvent(type, { detail }));
  channel?.postMessage({ ...detail, type });
}

/** Call `listener(detail)` on every `type` signal, from this page, another tab or the worker. */
export function onSignal(type, listener) {
  here.addEventListener(type, (event) => listener(event.detail));
  channel?.addEventListener('message', (event) => { if (event.data?.type === type) listener(event.data); });
}
