// What a screen reader reads out during the interview, whatever pane shows: one polite live region outside the
// panes. The panes hide on narrow screens (and at 200 % zoom) while another is forward, and a live region that is
// not rendered says nothing, so the call's news (a drop, the interviewer leaving, its state) and a run's result
// are announced here, in one line each, rather than from where they show.
import { byId, h } from "./dom";

/** Messages kept in the region (older ones are removed; only additions are read out). */
const KEEP = 3;

export function announce(text: string): void {
  const region = byId("announcer");
  region.appendChild(h("p", {}, text)); // an addition is read even when it repeats the last message
  while (region.children.length > KEEP) region.firstElementChild?.remove();
}
