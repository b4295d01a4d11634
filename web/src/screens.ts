// Which screen of the page is showing, and what the keyboard and a screen reader get with it: the skip link leads
// into the screen that is showing (never into a hidden one), and a change of screen moves focus to its heading, so
// focus never stays on a button that has just been hidden (it would fall back to the top of the page, unannounced).
import { byId } from "./dom";

export const SCREENS = ["loading", "notice", "welcome", "device-check", "app", "finished"] as const;
export type Screen = (typeof SCREENS)[number];

interface SkipTarget {
  /** What the skip link says ("Skip to …"). */
  label: string;
  /** Brings the target forward if need be and focuses it; false when it cannot be focused now. */
  focus: () => boolean;
}

function focusHeading(id: string): () => boolean {
  return () => {
    const el = byId(id);
    if (!el.hasAttribute("tabindex")) el.tabIndex = -1; // focusable by script only, not a Tab stop
    el.focus();
    return document.activeElement === el;
  };
}

/** The screen's own heading: where focus goes when the screen appears, and the skip link's default target. */
const HEADINGS: Record<Screen, string> = {
  loading: "loading",
  notice: "notice-title",
  welcome: "welcome-title",
  "device-check": "device-title",
  app: "question-title",
  finished: "finished-title",
};

const SKIPS: Record<Screen, SkipTarget> = {
  loading: { label: "Skip to the main content", focus: focusHeading("loading") },
  notice: { label: "Skip to the message", focus: focusHeading("notice-title") },
  welcome: { label: "Skip to the notice and your consent", focus: focusHeading("welcome-title") },
  "device-check": { label: "Skip to the microphone check", focus: focusHeading("device-title") },
  app: { label: "Skip to the code editor", focus: focusHeading("question-title") }, // the editor, once it exists
  finished: { label: "Skip to the main content", focus: focusHeading("finished-title") },
};

let current: Screen = "loading";

export function currentScreen(): Screen {
  return current;
}

/** Where the skip link leads on `screen` (the interview sets the editor once it has one). */
export function setSkipTarget(screen: Screen, focus: () => boolean): void {
  SKIPS[screen] = { ...SKIPS[screen], focus };
}

/**
 * Show `screen`, hide the others, and move focus to it (its heading, or `focusTarget` when that can take focus):
 * a screen reader reads out where the candidate now is, and the next Tab starts inside the screen.
 */
export function showScreen(screen: Screen, focusTarget?: () => boolean): void {
  current = screen;
  for (const id of SCREENS) byId(id).hidden = id !== screen;
  const skip = byId<HTMLAnchorElement>("skip-link");
  skip.textContent = SKIPS[screen].label;
  skip.href = `#${HEADINGS[screen]}`;
  if (!focusTarget?.()) focusHeading(HEADINGS[screen])();
}

/** The skip link follows the screen: activating it focuses what it names on the screen that is showing. */
export function bindSkipLink(): void {
  const skip = byId<HTMLAnchorElement>("skip-link");
  skip.addEventListener("click", (e) => {
    e.preventDefault(); // no fragment in the address bar (the invite was just taken out of it)
    if (!SKIPS[current].focus()) focusHeading(HEADINGS[current])();
  });
}
