// What the candidate page's screens share: the interview clock, the session watch and the tab signal, and what the
// screen showing now does with their news (each screen sets its own as it opens).
import type { ApiError, JoinResponse } from "./api";
import { byId } from "./dom";
import type { Notice } from "./messages";
import type { SessionWatch } from "./sessionwatch";
import type { TabNews, TabSignal } from "./tabsignal";
import { InterviewClock } from "./timer";

interface PageState {
  clock: InterviewClock;
  /** Keeps up with the session while the page is open (web/src/sessionwatch.ts): a cancel or an end decided
   * elsewhere is learnt within seconds, not at the next save or Run. Stopped on the notice and the end screens. */
  sessionWatch: SessionWatch | null;
  /** The other tabs of this interview in this browser (web/src/tabsignal.ts): one that goes into the running
   * interview says so, and the others ask the server at once instead of showing the full time until their next
   * check. */
  tabs: TabSignal | null;
  /** What the page does when another tab of this interview comes to the front or goes: the interview's integrity
   * watch (web/src/integrity.ts) leaves the absence to the tab in front. */
  whenTabNews: (news: TabNews) => void;
  /** What the page does when the watch learns that the link can no longer be used. Before the interview there is
   * nothing to keep: the notice says why. In it, the interview keeps the workspace on screen instead. */
  whenOver: (notice: Notice, error: ApiError) => void;
  /** What the page does with the session as the watch reads it: extra time given meanwhile moves the clock. The
   * device check also enters an interview that started meanwhile (a start whose answer was lost, another tab's). */
  whenSeen: (fresh: JoinResponse) => void;
}

export const page: PageState = {
  clock: new InterviewClock(null, byId("clock")), // "--:--" until the server's first view of the session
  sessionWatch: null,
  tabs: null,
  whenTabNews: () => undefined,
  whenOver: () => undefined, // the notice, from the page's start (web/src/main.ts)
  whenSeen: (fresh) => page.clock.setSession(fresh.session),
};
