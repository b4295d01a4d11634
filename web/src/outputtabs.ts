// The output panes' tabs (Results, Console, Custom input): a tablist, one pane shown at a time, the arrow keys moving
// between the tabs.
import { byId } from "./dom";

const TABS = ["results", "console", "custom"] as const;
export type OutputPane = (typeof TABS)[number];

/** Show `name`'s pane and select its tab (the only one in the tab order). */
export function selectOutput(name: OutputPane): void {
  for (const other of TABS) {
    const selected = other === name;
    const tab = byId(`out-${other}`);
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    byId(other).hidden = !selected;
  }
}

/** Clicks and the arrow keys select a tab; the results pane first. */
export function bindOutputTabs(): void {
  for (const name of TABS) {
    const tab = byId(`out-${name}`);
    tab.addEventListener("click", () => selectOutput(name));
    tab.addEventListener("keydown", (e) => {
      const i = TABS.indexOf(name);
      const next = e.key === "ArrowRight" ? TABS[(i + 1) % 3] : e.key === "ArrowLeft" ? TABS[(i + 2) % 3] : null;
      if (next) {
        e.preventDefault();
        selectOutput(next);
        byId(`out-${next}`).focus();
      }
    });
  }
  selectOutput("results");
}
