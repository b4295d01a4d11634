// The buttons of a step before the interview (Continue on the notice, Start on the device check) while its request
// is out: disabled, so nothing is sent twice, and given back when it failed, after the wait a busy server named.
// A button disabled under keyboard focus drops focus to the page: a candidate who pressed it by keyboard and was
// refused (no network, a 5xx, a microphone that would not open) had their next Tab start again from the top of the
// page, and a screen reader said nothing of where they were. Focus now goes back to the button they pressed as it
// comes back, and, while a wait holds it, to the control before it (then back on the button, unless the candidate
// moved it meanwhile), never to the page.

/** Disables `buttons` (the step's whole choice) now; the function returned gives them back after `waitMs`. */
export function holdStep(
  buttons: HTMLButtonElement[],
  pressed: HTMLButtonElement | null,
  meanwhile: HTMLElement | null = null,
): (waitMs?: number) => void {
  const had = pressed !== null && document.activeElement === pressed;
  for (const button of buttons) button.disabled = true;
  const lost = () => had && (document.activeElement === null || document.activeElement === document.body);
  return (waitMs = 0) => {
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
  };
}
