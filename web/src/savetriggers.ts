// What the page's life asks of the autosave (web/src/drafts.ts): a save as the page is hidden, goes or comes back,
// or the network returns, and the browser's "Leave site?" while code on screen is not on the server.
import type { DraftSaver } from "./drafts";
import { onLeave } from "./leaving";

/** Binds the window's and the document's events to `saver` until `signal` aborts. `unsavedAtEnd`: the interview
 * ended elsewhere with code on screen the server does not hold (a reload would show the notice, not that code). */
export function bindSaveTriggers(saver: DraftSaver, unsavedAtEnd: () => boolean, signal: AbortSignal): void {
  const listening = { signal };
  window.addEventListener(
    "beforeunload",
    (e) => {
      // A reload or close now would lose what a failing save still holds, or the unsaved code left to copy.
      if (saver.unsaved || unsavedAtEnd()) e.preventDefault();
    },
    listening,
  );
  // Confirmed (or never asked: mobile browsers skip the prompt), the page goes: the last keystrokes go with a
  // request that outlives it. A page only hidden (another tab, a phone's app switcher) saves as usual now.
  // After the integrity observations (web/src/leaving.ts): a draft that does not fit in what is left of the
  // page's 64 KiB for such requests is not sent, and the page opened again restores it from the browser's storage.
  onLeave("bulk", () => saver.leaving());
  window.addEventListener("pageshow", () => saver.shown(), listening);
  // The network is back: save now, not after a backoff.
  window.addEventListener("online", () => saver.online(), listening);
  document.addEventListener(
    "visibilitychange",
    () => {
      if (document.visibilityState === "hidden") saver.hidden(); // not as the page goes: see DraftSaver.hidden
    },
    listening,
  );
}
