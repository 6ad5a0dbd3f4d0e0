// Follows an invoice (or a customer's invoices) while it may still change: re-reads it every
// `intervalMs` with the last ETag, so an unchanged answer is a bodiless 304; hands a changed
// answer to `onChange`; stops by itself once `isFinal(body)` says nothing more will change,
// and skips its turn while the pane is hidden. Polling rather than server-sent events: no
// long-lived connection through Outlook's webview and proxies (addin_server/etags.py).

export const POLL_INTERVAL_MS = 15000;

/**
 * @param {{
 *   fetchIfChanged: (path: string, etag: string | null) => Promise<{changed: boolean, body?: any, etag?: string | null}>,
 *   onChange: (body: any) => void,
 *   isFinal?: (body: any) => boolean,
 *   intervalMs?: number,
 *   isHidden?: () => boolean,
 *   timers?: {setTimeout: typeof setTimeout, clearTimeout: typeof clearTimeout},
 * }} options
 */
export function createPoller({
  fetchIfChanged,
  onChange,
  isFinal = () => false,
  intervalMs = POLL_INTERVAL_MS,
  isHidden = () => false,
  timers = globalThis,
}) {
  let timer = null;
  let run = 0; // bumped by start and stop: an answer from an older run is dropped

  function schedule(mine, path, etag) {
    timer = timers.setTimeout(() => tick(mine, path, etag), intervalMs);
  }

  async function tick(mine, path, etag) {
    if (mine !== run) return;
    if (isHidden()) {
      schedule(mine, path, etag);
      return;
    }
    let next = etag;
    try {
      const answer = await fetchIfChanged(path, etag);
      if (mine !== run) return;
      if (answer.changed) {
        next = answer.etag ?? null;
        onChange(answer.body);
        if (isFinal(answer.body)) return;
      }
    } catch {
      if (mine !== run) return; // a failed poll is retried at the next turn
    }
    schedule(mine, path, next);
  }

  return {
    /** Follow `path`; `current` is what the pane shows now (no more polling if final). */
    start(path, current = null, etag = null) {
      this.stop();
      if (current !== null && isFinal(current)) return;
      schedule(run, path, etag);
    },
    stop() {
      run += 1;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
  };
}

/** Whether an invoice's status can still change (paid and canceled are final). */
export function invoiceIsFinal(invoice) {
  return invoice?.status === "PAID" || invoice?.status === "CANCELED" || invoice?.state === "failed";
}
