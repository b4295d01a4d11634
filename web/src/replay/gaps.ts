// Gaps in the record (api/timeline_gaps.py): while the candidate was away, while they were out of the interview
// room (their participant left it), and while the interview had no interviewer (its agent job restarted). Drawn as marked bands on the scrubber, listed as steps a button moves to,
// and said beside the position while the replay is inside one. The words are fixed and built from times only: no
// text the candidate said or typed is ever part of them.
import { h } from "../dom";
import { clock } from "./model";

export interface GapEvent {
  seq: number;
  t: number | null;
  type: "gap";
  kind: "candidate_away" | "candidate_left" | "interviewer_restart";
  start: number;
  end: number;
  duration_s: number;
  // "record_cut": it ran past where the record is incomplete from (the interviewer's events refused past the
  // session's budget), so it ends there: how long after that is not known.
  closed_by: "candidate_back" | "record_end" | "record_cut" | "resumed";
  cut?: number; // with "record_cut": from when the record is incomplete (the end, or before it: the gap began later)
  // Which bound the start is when it is not the default one (the away note; the stopped interviewer's last record).
  start_from?: "page_left" | "last_sign" | "interview_start";
  noticed?: number; // the away note's time, when the start is earlier
  // A room gap's end when it is not the return note: a new interviewer took over before the return, and the
  // candidate was back in the room by then (their first turn or edit after it), not exactly then.
  end_from?: "next_sign";
}

const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const STARTS = ["page_left", "last_sign", "interview_start"];
const KINDS = ["candidate_away", "candidate_left", "interviewer_restart"];
const MIN_BAND = 0.5; // percent of the scrubber: the narrowest band drawn

/** The timeline's gaps, checked field by field (an item of another shape is left out; a bound the replay does not
 * know is left out of it, so its label is the default one). */
export function gapsOf(events: readonly { type: string }[]): GapEvent[] {
  return events
    .filter(
      (e): e is GapEvent =>
        e.type === "gap" &&
        num((e as GapEvent).start) &&
        num((e as GapEvent).end) &&
        KINDS.includes((e as GapEvent).kind),
    )
    .map((gap) => {
      const { start_from: from, noticed, end_from: until, cut, ...rest } = gap;
      return {
        ...rest,
        ...(STARTS.includes(from as string) ? { start_from: from } : {}),
        ...(num(noticed) ? { noticed } : {}),
        ...(until === "next_sign" ? { end_from: until } : {}),
        ...(num(cut) ? { cut } : {}),
      };
    });
}

/** Where an away gap's start comes from, when it is not the note: "left the page at 1:25, noticed at 1:40; ". */
function awayFrom(gap: GapEvent): string {
  const noticed = num(gap.noticed) ? `, noticed at ${clock(gap.noticed)}` : "";
  if (gap.start_from === "page_left") return `left the page at ${clock(gap.start)}${noticed}; `;
  if (gap.start_from === "last_sign") return `last heard or seen at ${clock(gap.start)}${noticed}; `;
  return "";
}

/** "Candidate away 0:42 (back at 2:00)", "Candidate left the interview room for 0:42 (back at 2:00)",
 * "Interviewer restarted: 0:15 without an interviewer", with the bound its start is when not the default one ("left
 * the page at 1:25, noticed at 1:40; back at 2:00"); one the record's cut ended, "Candidate away at least 0:42 (the
 * record is incomplete from 2:00)". */
export function gapLabel(gap: GapEvent): string {
  // Cut: it ran past where the record is incomplete from, so it lasted this long at least, and maybe longer.
  const cut = gap.closed_by === "record_cut";
  // One placed at its note after the cut has no length the record can give: "a time not known", not "0:00".
  const unknown = cut && gap.end <= gap.start;
  const length = unknown ? "a time not known" : `${cut ? "at least " : ""}${clock(Math.max(0, gap.end - gap.start))}`;
  const incomplete = `the record is incomplete from ${clock(gap.cut ?? gap.end)}`;
  if (gap.kind === "interviewer_restart") {
    const from = gap.start_from === "interview_start" ? "none recorded before it: from the start" : "";
    const why = [from, cut ? incomplete : ""].filter(Boolean).join("; ");
    return `Interviewer restarted: ${length} without an interviewer${why ? ` (${why})` : ""}`;
  }
  const back = gap.closed_by === "candidate_back";
  if (gap.kind === "candidate_left") {
    // Back by their first turn or edit after a new interviewer took over (it could not note their return).
    const how = cut
      ? incomplete
      : !back
        ? "until the end of the record"
        : gap.end_from === "next_sign"
          ? `back by ${clock(gap.end)}; the interviewer restarted meanwhile`
          : `back at ${clock(gap.end)}`;
    return `Candidate left the interview room for ${length} (${how})`;
  }
  const how = cut ? incomplete : back ? `back at ${clock(gap.end)}` : "until the end of the record";
  return `Candidate away ${unknown ? "for " : ""}${length} (${awayFrom(gap)}${how})`;
}

/** Every gap the replay is inside at `t` (a restart can fall inside an away spell, an away spell inside one out of
 * the room), in the list's order. A gap ends before its end, where the candidate was back or the interviewer
 * resumed, except one that runs to the end of the record (`record_end`): its end is the replay's last moment, where
 * play stops and End goes, and the candidate was still gone then. */
export function gapsAt(gaps: readonly GapEvent[], t: number): GapEvent[] {
  return gaps.filter((g) => g.start <= t && (t < g.end || (t === g.end && g.closed_by === "record_end")));
}

/** The first gap the replay is inside at `t`, or null. */
export function gapAt(gaps: readonly GapEvent[], t: number): GapEvent | null {
  return gapsAt(gaps, t)[0] ?? null;
}

/** What the live line says at `t`: "Now in a gap: …", or "Now in 2 gaps: …; …" inside both kinds at once. */
export function gapsSaid(gaps: readonly GapEvent[], t: number): string {
  const inside = gapsAt(gaps, t);
  if (inside.length === 0) return "";
  const labels = inside.map(gapLabel).join("; ");
  return inside.length === 1 ? `Now in a gap: ${labels}` : `Now in ${inside.length} gaps: ${labels}`;
}

/** Where a gap's band sits over a scrubber of `duration` seconds, in percent of its width: at least `MIN_BAND` wide
 * (a gap of no length, one the record's cut ended at its start, is still a mark at its time), and never past either
 * end of the scrubber (one at the very end is drawn ending there, not hanging over its edge). */
export function bandOf(gap: GapEvent, duration: number): { left: number; width: number } {
  const span = Math.max(duration, 1e-6);
  const at = (t: number): number => Math.min(100, Math.max(0, (t / span) * 100));
  const width = Math.max(MIN_BAND, at(gap.end) - at(gap.start));
  return { left: Math.min(at(gap.start), 100 - width), width };
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
    for (const gap of gaps) {
      const { left, width } = bandOf(gap, duration);
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

  /** Say the gaps the replay is inside, written only when it changes (a live region). */
  render(t: number): void {
    const said = gapsSaid(this.gaps, t);
    if (this.status.textContent !== said) this.status.textContent = said;
  }
}
