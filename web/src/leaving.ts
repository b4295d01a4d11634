// What the page sends as it goes (pagehide: a reload, a close, a link followed), in `keepalive` requests, which
// outlive it. A browser lets one page have at most 64 KiB of such request bodies on their way at once (Fetch's
// "inflight keepalive" limit); a request over it is refused outright. The unsaved draft went first: one near 64 KiB
// used the whole allowance, and the integrity observations sent after it (a paste just made, an absence under way)
// were refused and lost with the page. Two rules now hold for every such request:
//  - order: the small signals that only this moment can send go first (`signals`: the integrity observations and
//    the "left" news to the interview's other tabs), bulky ones after (`bulk`: the drafts);
//  - budget: a `keepalive` request is sent only when its body fits in what is left of the 64 KiB (counted here, on
//    the body's UTF-8 bytes, as the browser counts it), and is otherwise refused before it is sent. A draft that does
//    not fit is kept in the browser's storage (web/src/localcopy.ts) and restored and saved by the page opened again.

/** The browser's allowance for `keepalive` bodies on their way from one page, together. */
export const KEEPALIVE_BUDGET_BYTES = 64 * 1024;

let inFlight = 0;

/** The size of `body` as the browser counts it (UTF-8 bytes). */
export function bodyBytes(body: string): number {
  return new TextEncoder().encode(body).length;
}

/** Takes `bytes` of the allowance for one `keepalive` request; false (nothing taken) when they do not fit. */
export function reserveKeepalive(bytes: number): boolean {
  if (bytes > KEEPALIVE_BUDGET_BYTES - inFlight) return false;
  inFlight += bytes;
  return true;
}

/** The request answered or failed: its bytes are the allowance's again. */
export function releaseKeepalive(bytes: number): void {
  inFlight = Math.max(0, inFlight - bytes);
}

/** What is left of the allowance now. */
export function keepaliveLeft(): number {
  return KEEPALIVE_BUDGET_BYTES - inFlight;
}

/** `signals` (small, only sendable now: observations, the news to other tabs) go before `bulk` (drafts). */
export type LeaveOrder = "signals" | "bulk";

const handlers: Record<LeaveOrder, Set<() => void>> = { signals: new Set(), bulk: new Set() };
let listening = false;

function leaving(): void {
  for (const order of ["signals", "bulk"] as const) {
    for (const handler of [...handlers[order]]) {
      try {
        handler();
      } catch {
        // one handler failing must not keep the others from sending
      }
    }
  }
}

/** Runs `handler` as the page goes, in `order` (every `signals` handler before any `bulk` one, whatever the order
 * they were registered in). Returns the function that removes it. */
export function onLeave(order: LeaveOrder, handler: () => void): () => void {
  if (!listening) {
    window.addEventListener("pagehide", leaving);
    listening = true;
  }
  handlers[order].add(handler);
  return () => handlers[order].delete(handler);
}
