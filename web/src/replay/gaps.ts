// Gaps in the record (api/timeline_gaps.py): while the candidate was away, and while the interview had no
// interviewer (its agent job restarted). Drawn as marked bands on the scrubber, listed as steps a button moves to,
// and said beside the position while the replay is inside one. The words are fixed and built from times only: no
// text the candidate said or typed is ever part of them.
import { h } from "../dom";
import { clock } from "./model";

export interface GapEvent {
  seq: number;
  t: number | null;
  type: "gap";
  kind: "candidate_away" | "interviewer_restart";
  start: number;
  end: number;
  duration_s: number;
  closed_by: "candidate_back" | "record_end" | "resumed";
}

const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The timeline's gaps, checked field by field (an item of another shape is left out). */
export function gapsOf(events: readonly { type: string }[]): GapEvent[] {
  return events.filter(
    (e): e is GapEvent =>
      e.type === "gap" &&
      num((e as GapEvent).start) &&
      num((e as GapEvent).end) &&
      ((e as GapEvent).kind === "candidate_away" || (e as GapEvent).kind === "interviewer_restart"),
  );
}

/** "Candidate away 0:42 (back at 2:00)", "Interviewer restarted: 0:15 without an interviewer". */
export function gapLabel(gap: GapEvent): string {
  const length = clock(Math.max(0, gap.end - gap.start));
  if (gap.kind === "interviewer_restart") return `Interviewer restarted: ${length} without an interviewer`;
  const how = gap.closed_by === "candidate_back" ? `back at ${clock(gap.end)}` : "until the end of the record";
  return `Candidate away ${length} (${how})`;
}

/** The gap the replay is inside at `t`, or null. */
export function gapAt(gaps: readonly GapEvent[], t: number): GapEvent | null {
  return gaps.find((g) => g.start <= t && t < g.end) ?? null;
}

/** The bands over the scrubber, the list of gap steps and the line said while inside one. */
export class GapTrack {
  readonly bands: HTMLElement;
  readonly list: HTMLElement;
  private readonly status: HTMLElement;

  constructor(
    private readonly gaps: readonly GapEvent[],
    duration: number,
    seek: (t: number) => void,
  ) {
    // The bands are a picture of the list below (the list is what the keyboard and a screen reader reach).
    this.bands = h("div", { class: "rp-gap-bands", "aria-hidden": "true" });
    const span = Math.max(duration, 1e-6);
    for (const gap of gaps) {
      const left = Math.min(100, (Math.max(0, gap.start) / span) * 100);
      const width = Math.max(0.5, Math.min(100 - left, ((gap.end - gap.start) / span) * 100));
      const band = h("div", { class: `rp-gap-band rp-gap-${gap.kind}`, title: gapLabel(gap) });
      band.style.left = `${left}%`;
      band.style.width = `${width}%`;
      this.bands.append(band);
    }
    this.status = h("p", { class: "rp-gap-now", "aria-live": "polite" });
    const items = gaps.map((gap) => {
      const button = h(
        "button",
        { type: "button", class: "rp-gap-step", "data-seq": String(gap.seq) },
        `${clock(gap.start)}: ${gapLabel(gap)}`,
      );
      button.addEventListener("click", () => seek(gap.start));
      return h("li", {}, button);
    });
    this.list = gaps.length
      ? h(
          "div",
          { class: "rp-gaps" },
          h("p", { class: "rp-gaps-head", id: "rp-gaps-head" }, "Gaps in the record"),
          h("ul", { "aria-labelledby": "rp-gaps-head" }, ...items),
          this.status,
        )
      : h("div", { class: "rp-gaps", hidden: "" });
  }

  /** Say the gap the replay is inside, written only when it changes (a live region). */
  render(t: number): void {
    const gap = gapAt(this.gaps, t);
    const said = gap ? `Now in a gap: ${gapLabel(gap)}` : "";
    if (this.status.textContent !== said) this.status.textContent = said;
  }
}
