import { describe, expect, it } from "vitest";
import {
  clock,
  CODE_NOT_KEPT,
  findQuote,
  placeOf,
  keptCode,
  languageLabel,
  lastAtOrBefore,
  OTHER_LANGUAGE,
  quoteLines,
  ReplayModel,
  type SnapshotEvent,
  type Timeline,
  type TimelineEvent,
} from "./model";

function ev(seq: number, t: number, rest: Record<string, unknown>): TimelineEvent {
  return { seq, t, ...rest } as unknown as TimelineEvent;
}

const timeline: Timeline = {
  session: {
    id: "ses_1",
    status: "completed",
    language: "python",
    time_allowed_s: 2700,
    ended_s: 300,
    duration_s: 300,
  },
  events: [
    ev(1, 0, { type: "phase_change", from: null, to: "greeting" }),
    ev(2, 5, { type: "transcript", role: "interviewer", text: "Hi", start: 5, end: 6 }),
    ev(3, 20, { type: "phase_change", from: "greeting", to: "coding" }),
    ev(4, 30, { type: "editor_snapshot", language: "python", code: "a" }),
    ev(5, 60, { type: "editor_snapshot", language: "python", code: "ab" }),
    ev(6, 65, { type: "test_run", kind: "run", passed: 1, total: 3, verdict: "wrong_answer" }),
    ev(7, 90, { type: "editor_snapshot", language: "python", code: "abc" }),
    ev(8, 100, { type: "submission", kind: "submit", passed: 8, total: 8, verdict: "accepted" }),
    ev(9, 200, { type: "phase_change", from: "coding", to: "wrap_up" }),
    ev(10, 250, { type: "phase_change", from: "wrap_up", to: "coding" }),
  ],
};

describe("ReplayModel", () => {
  const model = new ReplayModel(timeline);

  it("shows the last snapshot taken at or before a time, with the one before it", () => {
    expect(model.snapshotAt(10).current).toBeNull();
    expect(model.snapshotAt(30).current?.code).toBe("a");
    expect(model.snapshotAt(30).previous).toBeNull();
    expect(model.snapshotAt(89.9).current?.code).toBe("ab");
    expect(model.snapshotAt(89.9).previous?.code).toBe("a");
    expect(model.snapshotAt(1000).current?.code).toBe("abc");
  });

  it("shows the code a run judged from its moment when no snapshot holds it, and only then", () => {
    const judged = new ReplayModel({
      session: timeline.session,
      events: [
        ev(1, 30, { type: "editor_snapshot", language: "python", code: "a" }),
        // Typed after the snapshot and run at once: the next snapshot comes seconds later, or never.
        ev(2, 32, { type: "test_run", kind: "run", language: "python", code: "ab" }),
        ev(3, 35, { type: "editor_snapshot", language: "python", code: "ab" }),
        ev(4, 40, { type: "test_run", kind: "run", language: "python", code: "ab" }), // in a snapshot already
        ev(5, 41, { type: "test_run", kind: "run", language: "python", code: null, code_omitted: true }),
        ev(6, 50, { type: "submission", kind: "submit", language: "python", code: "abc" }),
      ],
    });
    expect(judged.codeSteps.map((s) => s.seq)).toEqual([1, 2, 3, 6]);
    expect(judged.codeAt(31).current?.code).toBe("a");
    expect(judged.codeAt(32).current?.code).toBe("ab");
    expect(judged.codeAt(32).current?.event.type).toBe("test_run");
    expect(judged.codeAt(32).previous?.code).toBe("a");
    expect(judged.codeAt(45).current?.seq).toBe(3);
    expect(judged.codeAt(60).current?.code).toBe("abc");
    // A citation of a snapshot shows that snapshot, even when a run shares its moment.
    const together = new ReplayModel({
      session: timeline.session,
      events: [
        ev(1, 30, { type: "editor_snapshot", language: "python", code: "a" }),
        ev(2, 30, { type: "test_run", kind: "run", language: "python", code: "b" }),
      ],
    });
    expect(together.codeAt(30).current?.code).toBe("b");
    expect(together.codeOfSnapshot(1).current?.code).toBe("a");
    expect(together.codeOfSnapshot(2).current).toBeNull();
  });

  it("resolves a cited event by its sequence number, never by its time (two runs at one moment)", () => {
    const same = new ReplayModel({
      session: timeline.session,
      events: [
        ev(1, 30, { type: "editor_snapshot", language: "python", code: "a" }),
        ev(2, 40, { type: "transcript", role: "candidate", text: "Running it.", start: 40, end: 41 }),
        ev(3, 40, { type: "test_run", kind: "run", verdict: "wrong_answer", language: "python", code: "ab" }),
        ev(4, 40, { type: "test_run", kind: "run", verdict: "accepted", language: "python", code: "abc" }),
        ev(5, 40, { type: "transcript", role: "interviewer", text: "All pass.", start: 40, end: 42 }),
        ev(6, 50, { type: "test_run", kind: "run", verdict: "accepted", language: "python", code: "abc" }),
      ],
    });
    // By time, the moment shows the last of them; a citation of the earlier run shows the earlier run.
    expect(same.runAt(40)?.seq).toBe(4);
    const first = same.momentOf(3)!;
    expect([first.t, first.run?.seq, first.run?.verdict]).toEqual([40, 3, "wrong_answer"]);
    expect([first.code.current?.code, first.code.previous?.code]).toEqual(["ab", "a"]);
    expect(first.turn?.seq).toBe(2);
    const second = same.momentOf(4)!;
    expect([second.run?.seq, second.code.current?.code, second.turn?.seq]).toEqual([4, "abc", 2]);
    // A turn cited at that moment: the runs before it in the timeline, not after.
    expect([same.momentOf(2)?.run, same.momentOf(2)?.turn?.seq, same.momentOf(2)?.code.current?.code]).toEqual([
      null,
      2,
      "a",
    ]);
    expect(same.momentOf(5)?.turn?.seq).toBe(5);
    // A run that judged the code already shown shows that code.
    expect([same.momentOf(6)?.run?.seq, same.momentOf(6)?.code.current?.seq]).toEqual([6, 4]);
    expect(same.momentOf(99)).toBeNull();
    // Each run is a step, those that share a moment too.
    expect(same.runBeside(3, 1)?.seq).toBe(4);
    expect(same.runBeside(4, -1)?.seq).toBe(3);
    expect(same.runBeside(4, 1)?.seq).toBe(6);
    expect(same.runBeside(3, -1)).toBeNull();
  });

  it("steps between runs in both directions", () => {
    expect(model.nextRun(0)?.seq).toBe(6);
    expect(model.nextRun(65)?.seq).toBe(8);
    expect(model.nextRun(100)).toBeNull();
    expect(model.previousRun(100)?.seq).toBe(6);
    expect(model.previousRun(65)).toBeNull();
    expect(model.runAt(70)?.seq).toBe(6);
  });

  it("plots no point for a run of custom input, which checked nothing, and still lists it as a run", () => {
    const custom = new ReplayModel({
      session: timeline.session,
      events: [
        ev(1, 40, { type: "test_run", kind: "run", passed: 1, total: 3, verdict: "wrong_answer" }),
        ev(2, 50, {
          type: "test_run",
          kind: "run",
          custom: true,
          calls: 5,
          returned: 5,
          verdict: null,
          passed: null,
          total: null,
          tests: [],
        }),
      ],
    });
    expect(custom.passedSeries().map((p) => p.seq)).toEqual([1]);
    const failed = new ReplayModel({
      session: timeline.session,
      events: [
        ev(1, 40, { type: "test_run", kind: "run", passed: 1, total: 3, verdict: "wrong_answer" }),
        ev(2, 60, { type: "submission", kind: "submit", passed: 0, total: 8, verdict: "internal_error" }),
      ],
    });
    expect(failed.passedSeries().map((p) => p.seq)).toEqual([1]); // the judge's failure is not the candidate's 0/8
    expect(custom.runs.map((r) => r.seq)).toEqual([1, 2]);
    expect(custom.runAt(55)?.custom).toBe(true);
  });

  it("gives one chart point per run or submission and sums the time per phase", () => {
    expect(model.passedSeries().map((p) => [p.t, p.passed, p.kind])).toEqual([
      [65, 1, "run"],
      [100, 8, "submit"],
    ]);
    expect(model.phaseDurations()).toEqual([
      { phase: "greeting", seconds: 20 },
      { phase: "coding", seconds: 180 + 50 },
      { phase: "wrap_up", seconds: 50 },
    ]);
    expect(model.phaseAt(210)).toBe("wrap_up");
  });

  it("runs the scrubber to the end of the interview or the last event", () => {
    expect(model.duration).toBe(300);
  });

  it("shows the grader's Submit, made hours after the interview, at its end, not as hours more of it", () => {
    // Stored when the grading job ran (api/run_flow.py `run_for_grader`): three hours after the start here.
    const late = new ReplayModel({
      session: timeline.session,
      events: [
        ...timeline.events,
        ev(11, 10_800, { type: "submission", kind: "submit", by: "grader", verdict: "accepted", passed: 8, total: 8 }),
      ],
    });
    expect(late.duration).toBe(300);
    expect(late.runAt(300)?.seq).toBe(11);
    expect(late.runAt(299)?.seq).toBe(8);
    expect(late.nextRun(100)?.seq).toBe(11);
    expect(late.momentOf(11)?.t).toBe(300);
    expect(late.passedSeries().map((p) => [p.t, p.by])).toEqual([
      [65, undefined],
      [100, undefined],
      [300, "grader"],
    ]);
    // The last phase lasts to the interview's end, not to the grader's job.
    expect(late.phaseDurations().find((s) => s.phase === "coding")?.seconds).toBe(180 + 50);
    // An event of the interview past the session's end still stretches it: only the grader's Submit is after it.
    const longer = new ReplayModel({
      session: timeline.session,
      events: [...timeline.events, ev(12, 320, { type: "submission", kind: "submit", by: "candidate" })],
    });
    expect(longer.duration).toBe(320);
  });
});

describe("helpers", () => {
  it("binary-searches times", () => {
    const items = [{ t: 1 }, { t: 2 }, { t: 2 }, { t: 5 }];
    expect(lastAtOrBefore(items, 0)).toBe(-1);
    expect(lastAtOrBefore(items, 2)).toBe(2);
    expect(lastAtOrBefore(items, 9)).toBe(3);
  });

  it("formats clocks", () => {
    expect(clock(95.2)).toBe("1:35");
    expect(clock(3725)).toBe("1:02:05");
    expect(clock(-3)).toBe("0:00");
  });

  it("finds quotes across whitespace and case like the grader's check", () => {
    const text = "I would keep a  Hash\nmap from value to index.";
    const span = findQuote(text, "hash map from VALUE");
    expect(span).not.toBeNull();
    expect(text.slice(...span!)).toBe("Hash\nmap from value");
    expect(findQuote(text, "not there")).toBeNull();
    expect(findQuote(text, "   ")).toBeNull();
  });

  it("finds the quoted words after characters whose lower case is longer (Turkish dotted I)", () => {
    // "İ".toLowerCase() is two code units; every later offset used to slide by one per such character.
    const text = "İstanbul İzmir: I would keep a hash map.";
    const span = findQuote(text, "keep a hash map");
    expect(span).not.toBeNull();
    expect(text.slice(...span!)).toBe("keep a hash map");
    expect(text.slice(...findQuote(text, "İZMIR")!)).toBe("İzmir");
  });

  it("maps a code quote to the lines it spans", () => {
    const code = "def f(x):\n    seen = {}\n    return seen\n";
    expect(quoteLines(code, "seen = {}\n    return")).toEqual({ from: 2, to: 3 });
    expect(quoteLines(code, "def f")).toEqual({ from: 1, to: 1 });
    expect(quoteLines(code, "nope")).toBeNull();
  });

  it("counts a code quote's lines as the code view draws them: a lone carriage return ends a line", () => {
    // CodeMirror breaks lines at "\r\n", "\r" and "\n": counted at "\n" alone, a snapshot whose lines end in "\r"
    // had its citation mark the line the candidate wrote first, not the quoted one.
    const code = "def f(x):\r    seen = {}\r    return seen\r\n# end\n";
    expect(quoteLines(code, "return seen")).toEqual({ from: 3, to: 3 });
    expect(quoteLines(code, "seen = {}\r    return")).toEqual({ from: 2, to: 3 });
    expect(quoteLines(code, "# end")).toEqual({ from: 4, to: 4 });
  });

  it("finds the place of a quote the page names, when its words occur more than once", () => {
    // The grader verified "Correct" where it starts a sentence, not the letters of "incorrect" (api/report_quotes.py).
    const text = "That is incorrect. Correct, it is.";
    expect(text.slice(0, findQuote(text, "Correct")![0])).toBe("That is in");
    expect(text.slice(0, findQuote(text, "Correct", 1)![0])).toBe("That is incorrect. ");
    // A place past the last is the first, as a quote found once.
    expect(findQuote(text, "Correct", 5)).toEqual(findQuote(text, "Correct"));
    const code = "def checksum(nums):\n    return sum(nums)\n";
    expect(quoteLines(code, "sum(nums)")).toEqual({ from: 1, to: 1 });
    expect(quoteLines(code, "sum(nums)", 1)).toEqual({ from: 2, to: 2 });
  });

  it("marks the place the grader verified when the page gives it and the quote is there", () => {
    // The grader's `where` (api/report_quotes.py): the second place, whatever the occurrence says.
    const text = "I don't think my code handles duplicates. My code handles duplicates.";
    const quote = "My code handles duplicates";
    const second = text.lastIndexOf(quote);
    const where: [number, number] = [second, second + quote.length];
    expect(findQuote(text, quote, 0, where)).toEqual(where);
    // A place that does not hold the quote (changed by hand, past the end, empty, another text's) is not taken:
    // the search, at its occurrence.
    for (const wrong of [
      [0, quote.length],
      [second, text.length + 1],
      [second, second],
      [-1, 3],
      [1.5, 4],
    ]) {
      expect(findQuote(text, quote, 0, wrong as [number, number])).toEqual(findQuote(text, quote));
      expect(findQuote(text, quote, 1, wrong as [number, number])).toEqual(where);
    }
    const code = "def checksum(nums):\n    return sum(nums)\n";
    expect(quoteLines(code, "sum(nums)", 0, [code.lastIndexOf("sum(nums)"), code.length - 1])).toEqual({
      from: 2,
      to: 2,
    });
    expect(placeOf("12 40")).toEqual([12, 40]);
    for (const value of [undefined, "", "12", "12 x", "-1 4", "1 2 3", "1e3 2000"]) expect(placeOf(value)).toBeNull();
  });

  it("reads past invisible characters in the text and the quote, as the grader does", () => {
    // The grader verifies "hash map" here three times (grader/evidence.py `normalise` reads past a zero-width space,
    // a byte-order mark and a tag character: the model never sees them), at the places
    // tests/api/test_report_quote_places.py finds, in UTF-16 offsets (the tag is two units here). Read with them, the
    // replay marked none of the first two, even at the place the grader verified.
    const text = "ha\u200bsh \ufeffmap, hash\u{E0041} map. A hash map.";
    expect(findQuote(text, "hash map")).toEqual([0, 10]);
    expect(findQuote(text, "hash map", 1)).toEqual([12, 22]);
    expect(findQuote(text, "\u200bHASH\u2066 map", 2)).toEqual([26, 34]);
    expect(findQuote(text, "hash map", 0, [12, 22])).toEqual([12, 22]);
    // A quote that holds them itself is found whole, from its first letter to its last.
    const said = "I wrote it \u202eIA on desu I\u202c myself.";
    const cited = "wrote it \u202eIA on desu I\u202c myself";
    expect(findQuote(said, cited)).toEqual([2, 2 + cited.length]);
    expect(findQuote("\u200b\u200d", "hash")).toBeNull();
    expect(findQuote("a\u200b", "\u200b")).toBeNull();
    const code = "def f(xs):\n    return so\u200brted(xs)\n";
    expect(quoteLines(code, "return sorted(xs)")).toEqual({ from: 2, to: 2 });
  });

  it("finds a quote after more hidden characters than the page draws as markers, where the server does", () => {
    // A candidate typed thousands of hidden characters before the words cited (and one inside them): past the page's
    // first 2,000 markers they print as plain `U+XXXX`, and the replay, reading the words from the page, could not
    // find the place verified. It reads the line as stored (web/src/replay/transcript.ts): the places here are the
    // ones tests/api/test_report_quote_places.py finds, in UTF-16 offsets (a tag character is two units).
    const text = "\u202e".repeat(2500) + " I said it. ha\u200bsh map, then a hash map.";
    expect(findQuote(text, "hash map")).toEqual([2512, 2521]);
    expect(findQuote(text, "hash map", 1)).toEqual([2530, 2538]);
    expect(findQuote(text, "hash map", 0, [2512, 2521])).toEqual([2512, 2521]);
    const tags = "\u{E0041}".repeat(2100) + " a hash map";
    expect(findQuote(tags, "hash map", 0, [4203, 4211])).toEqual([4203, 4211]);
    expect(findQuote(tags, "hash map")).toEqual([4203, 4211]);
  });

  it("reads a capital sigma in the quote as the text's, one character at a time", () => {
    // Lower-cased as one string, "ΣΩΣΤΟΣ" ends in a final sigma (U+03C2), which a letter lower-cased on its own never
    // is: the quote was found nowhere.
    const text = "ΤΟ ΚΛΕΙΔΙ ΕΙΝΑΙ ΣΩΣΤΟΣ ΤΩΡΑ.";
    expect(text.slice(...findQuote(text, "ΕΙΝΑΙ ΣΩΣΤΟΣ")!)).toBe("ΕΙΝΑΙ ΣΩΣΤΟΣ");
    const where: [number, number] = [10, 22];
    expect(findQuote(text, "ΕΙΝΑΙ ΣΩΣΤΟΣ", 0, where)).toEqual(where);
  });
});

describe("keptCode", () => {
  it("gives a snapshot's code, and null for one whose code the API did not keep (never an empty editor)", () => {
    const kept = ev(1, 0, { type: "editor_snapshot", language: "python", code: "" });
    const omitted = ev(2, 5, {
      type: "editor_snapshot",
      language: "python",
      code: "",
      code_omitted: true,
      code_bytes: 200000,
    });
    expect(keptCode(kept as SnapshotEvent)).toBe("");
    expect(keptCode(omitted as SnapshotEvent)).toBeNull();
    expect(keptCode(null)).toBeNull();
    expect(CODE_NOT_KEPT).toMatch(/recording budget/);
  });
});

describe("a language switch", () => {
  it("shows each step's code in its own language, the session's when it has none", () => {
    const switched = new ReplayModel({
      ...timeline,
      events: [
        ev(1, 30, { type: "editor_snapshot", language: "python", code: "def f(): pass" }),
        ev(2, 60, { type: "editor_snapshot", language: "java", code: "class Solution {}" }),
        ev(3, 70, { type: "test_run", kind: "run", language: "java", code: "class Solution { }" }),
        ev(4, 90, { type: "editor_snapshot", language: null, code: "def g(): pass" }),
      ],
    });
    expect(switched.codeSteps.map((s) => switched.languageOf(s))).toEqual(["python", "java", "java", "python"]);
    expect(switched.languages).toEqual(["python", "java"]);
  });

  it("is one language when the candidate never switched", () => {
    expect(new ReplayModel(timeline).languages).toEqual(["python"]);
  });
});

describe("languageLabel", () => {
  it("names the judge's languages", () => {
    expect(["python", "javascript", "java", "cpp"].map(languageLabel)).toEqual(["Python", "JavaScript", "Java", "C++"]);
  });

  it("shows anything else a run's payload names as another language, never its own words", () => {
    // The agent and the candidate's page write a run's payload; the heading printed the string it held.
    for (const named of ["All_tests_passed", "Python", "cobol", "", "constructor", "toString", "__proto__"]) {
      expect(languageLabel(named)).toBe(OTHER_LANGUAGE);
    }
  });
});
