import { describe, expect, it } from "vitest";
import { gapAt, gapLabel, gapsOf, type GapEvent } from "./gaps";

const gap = (over: Partial<GapEvent>): GapEvent => ({
  seq: 1,
  t: 100,
  type: "gap",
  kind: "candidate_away",
  start: 100,
  end: 142,
  duration_s: 42,
  closed_by: "candidate_back",
  ...over,
});

describe("gaps in the record", () => {
  it("says each kind in fixed words built from times", () => {
    expect(gapLabel(gap({}))).toBe("Candidate away 0:42 (back at 2:22)");
    expect(gapLabel(gap({ closed_by: "record_end" }))).toBe("Candidate away 0:42 (until the end of the record)");
    expect(gapLabel(gap({ kind: "interviewer_restart", end: 115, closed_by: "resumed" }))).toBe(
      "Interviewer restarted: 0:15 without an interviewer",
    );
  });

  it("keeps only well-formed gaps, and finds the one at a time", () => {
    const events = [
      gap({}),
      { ...gap({ seq: 2 }), kind: "said_by_candidate" },
      { ...gap({ seq: 3 }), start: "1:00" },
      { seq: 4, t: 1, type: "transcript" },
    ];
    const gaps = gapsOf(events);
    expect(gaps.map((g) => g.seq)).toEqual([1]);
    expect(gapAt(gaps, 100)?.seq).toBe(1);
    expect(gapAt(gaps, 142)).toBeNull();
    expect(gapAt(gaps, 99.9)).toBeNull();
  });
});
