// The buttons of a step before the interview (Continue on the notice, Start on the device check) while its request
// is out: disabled, so nothing is sent twice, and given back when it failed, after the wait a busy server named.
// A button disabled under keyboard focus drops focus to the page: a candidate who pressed it by keyboard and was
// refused (no network, a 5xx, a microphone that would not open) had their next Tab start again from the top of the
// page, and a screen reader said nothing of where they were. Focus now goes back to the button they pressed as it
// comes back, and, while a wait holds it, to the control before it (then back on the button, unless the candidate
// moved it meanwhile), never to the page.
// While the request is out (up to the 20 s bound of every request), the step says so: the pressed button is
// `aria-busy`, and a status line under it reads "Saving your agreement…" or "Starting the interview…". Before, the
// screen showed nothing for those seconds on a slow connection, and the candidate pressed again or thought it froze.
// Focus that was on the pressed button waits on that line (it is read out), never on the page.

/** The step's status line `id` (a polite `role="status"` region), made once, right after `after` (the step's buttons):
 * it has to be on the page before it says anything for a screen reader to read it out. */
export function statusLine(id: string, after: HTMLElement): HTMLElement {
  const found = document.getElementById(id);
  if (found) return found;
  const line = document.createElement("p");
  line.id = id;
  line.className = "step-status";
  line.setAttribute("role", "status");
  after.after(line);
  return line;
}

/** The step's status line (a `role="status"` region) and what it says while the request is out. */
export interface BusyLine {
  line: HTMLElement;
  text: string;
}

/** A step held while its request is out. */
export interface HeldStep {
  /** What the step is doing now, on its status line ("Opening the microphone…", then "Starting the interview…"). */
  say(text: string): void;
  /** It went through (the next screen shows): no longer busy; the buttons stay as they are. */
  done(): void;
  /** It failed: no longer busy, and the buttons come back after `waitMs` (a busy server's wait). */
  giveBack(waitMs?: number): void;
}

/** Disables `buttons` (the step's whole choice) now and marks the step busy on `busy`'s line. */
export function holdStep(
  buttons: HTMLButtonElement[],
  pressed: HTMLButtonElement | null,
  meanwhile: HTMLElement | null = null,
  busy: BusyLine | null = null,
): HeldStep {
  const had = pressed !== null && document.activeElement === pressed;
  const line = busy?.line ?? null;
  if (line && busy) {
    line.textContent = busy.text;
    if (had) {
      line.tabIndex = -1; // focusable by script only, never a Tab stop
      line.focus(); // before the button is disabled under it, which would drop focus to the page
    }
  }
  for (const button of buttons) button.disabled = true;
  const marked = pressed ? [pressed] : buttons;
  for (const button of marked) button.setAttribute("aria-busy", "true");
  const lost = () =>
    had &&
    (document.activeElement === null ||
      document.activeElement === document.body ||
      (line !== null && document.activeElement === line));
  let answered = false;
  const settle = () => {
    answered = true;
    for (const button of marked) button.removeAttribute("aria-busy");
    if (line) line.textContent = "";
  };
  return {
    say: (text) => {
      if (line && !answered) line.textContent = text;
    },
    done: settle,
    giveBack: (waitMs = 0) => {
      settle();
      let parked = false; // focus waits on `meanwhile`, put there here (the candidate has not moved it since)
      if (waitMs > 0 && lost() && meanwhile) {
        meanwhile.focus();
        parked = document.activeElement === meanwhile;
      }
      window.setTimeout(() => {
        for (const button of buttons) button.disabled = false;
        const back = lost() || (parked && document.activeElement === meanwhile);
        if (back && pressed && !pressed.hidden) pressed.focus();
      }, waitMs);
    },
  };
}
