import { describe, expect, it } from "vitest";
import { bandOf, gapAt, gapLabel, gapsOf, gapsSaid, type GapEvent } from "./gaps";

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

  it("says which bound a start is when it is not the note or the interviewer's last record", () => {
    expect(gapLabel(gap({ start: 85, end: 120, start_from: "page_left", noticed: 100 }))).toBe(
      "Candidate away 0:35 (left the page at 1:25, noticed at 1:40; back at 2:00)",
    );
    expect(gapLabel(gap({ start: 58, end: 99, start_from: "last_sign", noticed: 80, closed_by: "record_end" }))).toBe(
      "Candidate away 0:41 (last heard or seen at 0:58, noticed at 1:20; until the end of the record)",
    );
    expect(
      gapLabel(
        gap({ kind: "interviewer_restart", start: 0, end: 40, closed_by: "resumed", start_from: "interview_start" }),
      ),
    ).toBe("Interviewer restarted: 0:40 without an interviewer (none recorded before it: from the start)");
    // A bound the replay does not know, or a noticed time that is no number, is left out of the words.
    const [odd] = gapsOf([{ ...gap({}), start_from: "said_by_candidate", noticed: "1:00" } as unknown as GapEvent]);
    expect(odd.start_from).toBeUndefined();
    expect(odd.noticed).toBeUndefined();
    expect(gapLabel(odd)).toBe("Candidate away 0:42 (back at 2:22)");
  });

  it("says a spell out of the interview room as its own kind, with how it ended", () => {
    const left = gap({ kind: "candidate_left", start: 130, end: 185 });
    expect(gapLabel(left)).toBe("Candidate left the interview room for 0:55 (back at 3:05)");
    expect(gapLabel({ ...left, closed_by: "record_end", end: 290 })).toBe(
      "Candidate left the interview room for 2:40 (until the end of the record)",
    );
    const [taken] = gapsOf([gap({ kind: "candidate_left", start: 130, end: 185, end_from: "next_sign" })]);
    expect(gapLabel(taken)).toBe(
      "Candidate left the interview room for 0:55 (back by 3:05; the interviewer restarted meanwhile)",
    );
    // An end bound the replay does not know is left out of the words.
    const [odd] = gapsOf([{ ...left, end_from: "said_by_candidate" } as unknown as GapEvent]);
    expect(odd.end_from).toBeUndefined();
    expect(gapLabel(odd)).toBe("Candidate left the interview room for 0:55 (back at 3:05)");
    // Inside an away spell too: both said, in the list's order.
    const both = gapsOf([left, gap({ seq: 2, start: 140, end: 200 })]);
    expect(gapsSaid(both, 150)).toBe(
      "Now in 2 gaps: Candidate left the interview room for 0:55 (back at 3:05); Candidate away 1:00 (back at 3:20)",
    );
    expect(gapsSaid(both, 190)).toBe("Now in a gap: Candidate away 1:00 (back at 3:20)");
  });

  it("says a gap the record's cut ended lasted at least that long, and from when the record is incomplete", () => {
    const [away, left, restart, noted] = gapsOf([
      gap({ start: 100, end: 142, closed_by: "record_cut" }),
      gap({ seq: 2, kind: "candidate_left", start: 130, end: 142, closed_by: "record_cut" }),
      gap({
        seq: 3,
        kind: "interviewer_restart",
        start: 0,
        end: 142,
        closed_by: "record_cut",
        start_from: "interview_start",
      }),
      gap({ seq: 4, start: 85, end: 142, closed_by: "record_cut", start_from: "page_left", noticed: 100 }),
    ]);
    expect(gapLabel(away)).toBe("Candidate away at least 0:42 (the record is incomplete from 2:22)");
    expect(gapLabel(left)).toBe(
      "Candidate left the interview room for at least 0:12 (the record is incomplete from 2:22)",
    );
    expect(gapLabel(restart)).toBe(
      "Interviewer restarted: at least 2:22 without an interviewer (none recorded before it: from the start; the record is incomplete from 2:22)",
    );
    expect(gapLabel({ ...restart, start_from: undefined, start: 130 })).toBe(
      "Interviewer restarted: at least 0:12 without an interviewer (the record is incomplete from 2:22)",
    );
    expect(gapLabel(noted)).toBe(
      "Candidate away at least 0:57 (left the page at 1:25, noticed at 1:40; the record is incomplete from 2:22)",
    );
    expect(gapsSaid([away], 120)).toBe(
      "Now in a gap: Candidate away at least 0:42 (the record is incomplete from 2:22)",
    );
    // Begun after the cut (a note stored after it), it dates the cut where it is, not at its own start.
    const late = gap({ seq: 5, start: 200, end: 200, closed_by: "record_cut", cut: 142 });
    expect(gapLabel(late)).toBe("Candidate away for a time not known (the record is incomplete from 2:22)");
    expect(gapLabel({ ...late, kind: "candidate_left" })).toBe(
      "Candidate left the interview room for a time not known (the record is incomplete from 2:22)",
    );
    expect(gapLabel({ ...late, kind: "interviewer_restart" })).toBe(
      "Interviewer restarted: a time not known without an interviewer (the record is incomplete from 2:22)",
    );
  });

  it("dates the cut only from a time the timeline gives", () => {
    const cut = { closed_by: "record_cut" as const, start: 200, end: 200 };
    const events = [gap({ ...cut, cut: 142 }), { ...gap({ ...cut, seq: 2 }), cut: "2:22 (forged)" }];
    const [kept, forged] = gapsOf(events);
    expect(gapLabel(kept)).toBe("Candidate away for a time not known (the record is incomplete from 2:22)");
    expect(forged).not.toHaveProperty("cut");
    expect(gapLabel(forged)).toBe("Candidate away for a time not known (the record is incomplete from 3:20)");
  });

  it("draws a band for a gap of no length, and none past either end of the scrubber", () => {
    expect(bandOf(gap({ start: 100, end: 150 }), 200)).toEqual({ left: 50, width: 25 });
    expect(bandOf(gap({ start: 100, end: 100, closed_by: "record_cut" }), 200)).toEqual({ left: 50, width: 0.5 });
    // Begun after the cut at the very end of the record: a mark ending at the scrubber's end, not hanging past it.
    expect(bandOf(gap({ start: 200, end: 200, closed_by: "record_cut" }), 200)).toEqual({ left: 99.5, width: 0.5 });
    expect(bandOf(gap({ start: 150, end: 260 }), 200)).toEqual({ left: 75, width: 25 });
  });

  it("says every gap a moment is inside: a restart inside an away spell", () => {
    const gaps = gapsOf([
      gap({ seq: 1, start: 30, end: 100, closed_by: "record_end" }),
      gap({ seq: 4, kind: "interviewer_restart", start: 40, end: 90, closed_by: "resumed" }),
    ]);
    expect(gapsSaid(gaps, 35)).toBe("Now in a gap: Candidate away 1:10 (until the end of the record)");
    expect(gapsSaid(gaps, 50)).toBe(
      "Now in 2 gaps: Candidate away 1:10 (until the end of the record); Interviewer restarted: 0:50 without an interviewer",
    );
    expect(gapsSaid(gaps, 20)).toBe("");
    // The away spell runs to the end of the record (100): said there too; the restart, resumed at 90, is over.
    expect(gapsSaid(gaps, 100)).toBe("Now in a gap: Candidate away 1:10 (until the end of the record)");
  });

  it("says a gap that runs to the end of the record at the replay's last moment, where play stops and End goes", () => {
    // The replay's end is the record's end (api/timeline_gaps.py, `record_end`): a spell "until the end of the record"
    // ends there, and read as ending before it, the replay stopped at the end said nothing of the candidate gone.
    const gaps = gapsOf([
      gap({ seq: 1, start: 30, end: 100, closed_by: "record_end" }),
      gap({ seq: 2, kind: "candidate_left", start: 60, end: 100, closed_by: "record_end" }),
    ]);
    expect(gapsSaid(gaps, 100)).toBe(
      "Now in 2 gaps: Candidate away 1:10 (until the end of the record); " +
        "Candidate left the interview room for 0:40 (until the end of the record)",
    );
    // A gap the candidate came back from ends at the return: that moment is not in it.
    expect(gapsSaid(gapsOf([gap({ start: 30, end: 100 })]), 100)).toBe("");
  });
});
