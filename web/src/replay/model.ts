// The replay's model: the timeline the API serves (GET /v1/sessions/{id}/timeline), indexed for "what was true at
// time t" questions. Pure functions and data only; the DOM lives in the other replay modules.
import type { Language } from "../api";
import { LANGUAGE_NAMES } from "../languages";

export type Role = "candidate" | "interviewer";

interface Base {
  seq: number;
  t: number | null;
}
export interface TranscriptEvent extends Base {
  type: "transcript";
  role: Role;
  text: string;
  /** Set when the API left this turn's words out of the timeline (its text budget, api/report_budget.py); `text` is "". */
  text_omitted?: true;
  start: number | null;
  end: number | null;
}
export interface PhaseEvent extends Base {
  type: "phase_change";
  from: string | null;
  to: string | null;
}
export interface SnapshotEvent extends Base {
  type: "editor_snapshot";
  language: string | null;
  code: string;
  /** Set when the API did not keep this snapshot's code (the session exceeded its recording budget); `code` is "". */
  code_omitted?: true;
  code_bytes?: number | null;
}

export const CODE_NOT_KEPT = "Code not kept: this session exceeded its recording budget.";

/** The code a snapshot shows, or null when it was not kept (never shown as if the candidate had written nothing). */
export function keptCode(snapshot: SnapshotEvent | null): string | null {
  return snapshot && snapshot.code_omitted !== true ? snapshot.code : null;
}
export interface Tally {
  passed: number;
  total: number;
}
export interface RunEvent extends Base {
  type: "test_run" | "submission";
  kind: "run" | "submit";
  by: string | null;
  verdict: string | null;
  passed: number | null;
  total: number | null;
  visible: Tally | null;
  hidden: Tally | null;
  tests: { id: string | null; verdict: string | null }[];
  language: string | null;
  /** null when the API did not keep this run's code (the session exceeded its recording budget: `code_omitted`). */
  code: string | null;
  code_omitted?: true;
  code_bytes?: number | null;
  /**
   * A run of the candidate's own inputs (custom input): nothing was checked, so it has no tests, no counts of passed
   * tests, and a verdict only when a call failed; `calls` were made and `returned` of them returned (api/timeline.py).
   */
  custom?: true;
  calls?: number | null;
  returned?: number | null;
}
export interface HintEvent extends Base {
  type: "hint";
  index: number | null;
  total: number | null;
  text: string;
}
export interface WarningEvent extends Base {
  type: "time_warning";
  minutes_left: number | null;
}
export interface IntegrityEvent extends Base {
  type: "integrity";
  kind: string | null;
  chars: number | null;
  lines: number | null;
  duration_ms: number | null;
  source: string | null;
}
export type TimelineEvent =
  TranscriptEvent | PhaseEvent | SnapshotEvent | RunEvent | HintEvent | WarningEvent | IntegrityEvent;

export interface TimelineSession {
  id: string;
  status: string;
  language: string;
  time_allowed_s: number;
  ended_s: number | null;
  duration_s: number;
}

export interface Timeline {
  session: TimelineSession;
  events: TimelineEvent[];
}

export interface SeriesPoint {
  t: number;
  passed: number;
  total: number;
  kind: "run" | "submit";
  verdict: string | null;
  seq: number;
  by: string | null;
}

/**
 * What the code view shows from one moment on: a snapshot, or the code a run or submission judged when it differs
 * from the code shown before it. The agent records a snapshot at most every few seconds, and none while it is not
 * connected, so the code a run judged is often in no snapshot; shown by snapshots alone, a run's verdict sat beside
 * code it never judged. `code` is null when it was not kept (the session's recording budget).
 */
export interface CodeStep {
  seq: number;
  t: number | null;
  code: string | null;
  language: string | null;
  event: SnapshotEvent | RunEvent;
}

/** What the replay shows as of one event (`ReplayModel.momentOf`): the moment to move to, and there the run, the
 * code and the transcript turn as of that event, whatever else was recorded at the same time after it. */
export interface Moment {
  seq: number;
  t: number;
  run: RunEvent | null;
  code: { index: number; current: CodeStep | null; previous: CodeStep | null };
  turn: TranscriptEvent | null;
}

export interface PhaseSpan {
  phase: string;
  seconds: number;
}

/** Events without a time sort first (at 0), as the API orders them. */
export const at = (e: { t: number | null }): number => e.t ?? 0;

/** Index of the last item whose time is <= t, or -1 (items sorted by time). */
export function lastAtOrBefore<T extends { t: number | null }>(items: readonly T[], t: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (at(items[mid]) <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * A Submit the grader made of the last code once the interview was over (`by: "grader"`, grader/final_submit.py). Its
 * time is the server's clock when the grading job ran, which can be hours or days past the end (a job that waited or
 * was retried): no moment of the interview. The replay shows it at its last moment, the interview's end; counted at
 * its own time, the scrubber of a 45-minute interview ran for hours and the interview filled its first minutes.
 */
export function afterInterview(e: TimelineEvent): boolean {
  return (e.type === "test_run" || e.type === "submission") && e.by === "grader";
}

/** What the replay calls code written in anything but one of the judge's languages. */
export const OTHER_LANGUAGE = "another language";

/** The name of a language a step's code is in: a judge language's own, else `OTHER_LANGUAGE`. A run's language comes
 * from its event's payload, which the agent and the candidate's page write: looked up as `LANGUAGE_NAMES[x] ?? x`,
 * any string reached the report's heading as its own words ("in All_tests_passed"), and a name the plain object
 * inherits ("constructor", "toString") printed a function's source. */
export function languageLabel(language: string): string {
  return Object.hasOwn(LANGUAGE_NAMES, language) ? LANGUAGE_NAMES[language as Language] : OTHER_LANGUAGE;
}

export class ReplayModel {
  readonly snapshots: SnapshotEvent[];
  readonly runs: RunEvent[];
  readonly turns: TranscriptEvent[];
  readonly phases: PhaseEvent[];
  readonly codeSteps: CodeStep[];
  /** Every language the code is shown in, in the order first shown (more than one: the candidate switched). */
  readonly languages: string[];
  readonly duration: number;
  /** Each event's place in the timeline's order (time, then sequence): two events may share a moment, never a place. */
  private readonly place = new Map<number, number>();

  /** The timeline's events in its order, the grader's Submit after the interview at its end (`afterInterview`). */
  private readonly events: TimelineEvent[];

  constructor(readonly timeline: Timeline) {
    const last = timeline.events.reduce((m, e) => (afterInterview(e) ? m : Math.max(m, at(e))), 0);
    this.duration = Math.max(timeline.session.duration_s, last, 1);
    const end = this.duration;
    const events = timeline.events
      .map((e) => (afterInterview(e) && at(e) > end ? { ...e, t: end } : e))
      .sort((a, b) => at(a) - at(b) || a.seq - b.seq);
    this.events = events;
    events.forEach((e, i) => this.place.set(e.seq, i));
    this.snapshots = events.filter((e): e is SnapshotEvent => e.type === "editor_snapshot");
    this.runs = events.filter((e): e is RunEvent => e.type === "test_run" || e.type === "submission");
    this.turns = events.filter((e): e is TranscriptEvent => e.type === "transcript");
    this.phases = events.filter((e): e is PhaseEvent => e.type === "phase_change");
    this.codeSteps = [];
    for (const e of events) {
      if (e.type === "editor_snapshot") {
        this.codeSteps.push({ seq: e.seq, t: e.t, code: keptCode(e), language: e.language, event: e });
      } else if ((e.type === "test_run" || e.type === "submission") && typeof e.code === "string") {
        const shown = this.codeSteps.at(-1);
        if (shown === undefined || shown.code !== e.code)
          this.codeSteps.push({ seq: e.seq, t: e.t, code: e.code, language: e.language, event: e });
      }
    }
    this.languages = [...new Set(this.codeSteps.map((step) => this.languageOf(step)))];
  }

  /** The language a step's code is in: its own (the candidate may switch language mid-interview), else the session's. */
  languageOf(step: CodeStep): string {
    return step.language ?? this.timeline.session.language;
  }

  /** The snapshot showing at time t (the last one taken at or before it), and the one before it. */
  snapshotAt(t: number): { index: number; current: SnapshotEvent | null; previous: SnapshotEvent | null } {
    const index = lastAtOrBefore(this.snapshots, t);
    return {
      index,
      current: index >= 0 ? this.snapshots[index] : null,
      previous: index >= 1 ? this.snapshots[index - 1] : null,
    };
  }

  /** The code shown at time t (the last step at or before it), and the step before it. */
  codeAt(t: number): { index: number; current: CodeStep | null; previous: CodeStep | null } {
    return this.codeStep(lastAtOrBefore(this.codeSteps, t));
  }

  /** The code step of a snapshot (what a citation of it shows), even when another step shares its time. */
  codeOfSnapshot(seq: number): { index: number; current: CodeStep | null; previous: CodeStep | null } {
    return this.codeStep(this.codeSteps.findIndex((s) => s.seq === seq && s.event.type === "editor_snapshot"));
  }

  private codeStep(index: number): { index: number; current: CodeStep | null; previous: CodeStep | null } {
    return {
      index,
      current: index >= 0 ? this.codeSteps[index] : null,
      previous: index >= 1 ? this.codeSteps[index - 1] : null,
    };
  }

  snapshotBySeq(seq: number): SnapshotEvent | undefined {
    return this.snapshots.find((s) => s.seq === seq);
  }

  /**
   * What the replay shows as of one event (the one a citation names by its sequence number): the event itself when
   * it is a run, a snapshot or a turn, else the last of each recorded at or before it in the timeline's order. Never
   * resolved by its time: two runs (or a snapshot and a run) recorded at the same moment are two places, and a
   * citation of the earlier one showed the later one's verdict and code. Null when no event has that number.
   */
  momentOf(seq: number): Moment | null {
    const place = this.place.get(seq);
    if (place === undefined) return null;
    const upTo = <T extends { seq: number }>(items: readonly T[]): number => {
      let lo = 0;
      let hi = items.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if ((this.place.get(items[mid].seq) ?? -1) <= place) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found;
    };
    const run = upTo(this.runs);
    const turn = upTo(this.turns);
    const event = this.turns[turn]?.seq === seq ? this.turns[turn] : null;
    return {
      seq,
      // A turn is shown from when it was spoken (its start), as the page's transcript dates it.
      t: event ? (event.start ?? at(event)) : at(this.events.find((e) => e.seq === seq) ?? { t: null }),
      run: run >= 0 ? this.runs[run] : null,
      code: this.codeStep(upTo(this.codeSteps)),
      turn: turn >= 0 ? this.turns[turn] : null,
    };
  }

  /** The run after (1) or before (-1) run `seq`, in the timeline's order: runs that share a moment are each a step. */
  runBeside(seq: number, direction: 1 | -1): RunEvent | null {
    const index = this.runs.findIndex((r) => r.seq === seq);
    return index < 0 ? null : (this.runs[index + direction] ?? null);
  }

  runAt(t: number): RunEvent | null {
    const i = lastAtOrBefore(this.runs, t);
    return i >= 0 ? this.runs[i] : null;
  }

  /** The first run strictly after t (a small epsilon so that stepping from a run moves past it). */
  nextRun(t: number): RunEvent | null {
    return this.runs.find((r) => at(r) > t + 1e-6) ?? null;
  }

  previousRun(t: number): RunEvent | null {
    for (let i = this.runs.length - 1; i >= 0; i -= 1) if (at(this.runs[i]) < t - 1e-6) return this.runs[i];
    return null;
  }

  /** The transcript turn being spoken at t, else the last one before it. */
  turnAt(t: number): TranscriptEvent | null {
    const i = lastAtOrBefore(this.turns, t);
    return i >= 0 ? this.turns[i] : null;
  }

  phaseAt(t: number): string | null {
    const i = lastAtOrBefore(this.phases, t);
    return i >= 0 ? (this.phases[i].to ?? null) : null;
  }

  /** Tests passed at each run and submission (all the tests it judged), in time order. A run of custom input
   * judged no test, and one the judge failed on (`internal_error`, ours) judged none either: neither is a point of
   * the series (plotted as 0 of N, a judge failure read as the candidate's). */
  passedSeries(): SeriesPoint[] {
    return this.runs
      .filter((r) => !r.custom && r.verdict !== "internal_error")
      .map((r) => ({
        t: at(r),
        passed: r.passed ?? 0,
        total: r.total ?? 0,
        kind: r.kind,
        verdict: r.verdict,
        seq: r.seq,
        by: r.by,
      }));
  }

  /** Seconds spent in each phase (summed when a phase is entered twice), in the order first entered. */
  phaseDurations(): PhaseSpan[] {
    const spans = new Map<string, number>();
    this.phases.forEach((p, i) => {
      if (!p.to) return;
      const end = i + 1 < this.phases.length ? at(this.phases[i + 1]) : this.duration;
      spans.set(p.to, (spans.get(p.to) ?? 0) + Math.max(0, end - at(p)));
    });
    return [...spans].map(([phase, seconds]) => ({ phase, seconds }));
  }
}

/** "95.2" -> "1:35", "3725" -> "1:02:05". */
export function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const ss = String(s).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * Where `quote` occurs in `text`, comparing as the grader verifies citations: case-insensitive, with any run of
 * whitespace equal to one space. Returns [start, end) offsets into the original text, or null. `where`: the place the
 * grader verified (the page's `data-where`, api/report_quotes.py), taken when the text there reads as the quote.
 * Else `occurrence`: which of the places it occurs (each found after the start of the one before), the page's
 * `data-occurrence`: the same words can occur before the place verified ("incorrect" before "Correct"); the first
 * place when there are fewer.
 */
export function findQuote(
  text: string,
  quote: string,
  occurrence = 0,
  where: readonly [number, number] | null = null,
): [number, number] | null {
  const wanted = folded(quote).normal.trim();
  if (!wanted) return null;
  if (where && isPlace(where, text.length) && folded(text.slice(...where)).normal.trim() === wanted) {
    return [where[0], where[1]];
  }
  const { normal, origin } = folded(text);
  let found = normal.indexOf(wanted);
  if (found < 0) return null;
  for (let n = 0; n < occurrence; n += 1) {
    const next = normal.indexOf(wanted, found + 1);
    if (next < 0) {
      found = normal.indexOf(wanted);
      break;
    }
    found = next;
  }
  const start = origin[found];
  const end = origin[found + wanted.length - 1] + 1;
  return [start, end];
}

/** The page's `data-where` ("start end", UTF-16 offsets: api/report_quotes.py) as a place, or null. */
export function placeOf(value: string | undefined): [number, number] | null {
  const found = /^(\d{1,9}) (\d{1,9})$/.exec(value ?? "");
  return found ? [Number(found[1]), Number(found[2])] : null;
}

/** `[start, end)` is a place of a text `length` long that holds something. */
function isPlace(where: readonly [number, number], length: number): boolean {
  const [start, end] = where;
  return Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= length;
}

/**
 * What the grader reads past when it verifies a quote (grader/evidence.py `normalise`): invisible format characters
 * (zero-width space and joiners, word joiner, soft hyphen, bidi controls, tag characters, U+FEFF) and the marks that
 * set a staged piece apart (⟪ ⟫). A candidate can put them in what they type or write, where the model does not see
 * them and quotes without them: the grader verified such a quote, and the replay, reading them, marked nothing.
 */
const UNREAD = /^[\p{Cf}\u27ea\u27eb]$/u;

/** `text` lower-cased one character at a time (a capital sigma is U+03C3 wherever it is, as in the text searched)
 * and each run of whitespace one space (none at the start), without what the grader reads past (`UNREAD`), with,
 * for each character of that, where it came from. */
function folded(text: string): { normal: string; origin: number[] } {
  let normal = "";
  const origin: number[] = [];
  let inSpace = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch > "\x7f") {
      const code = text.codePointAt(i) ?? 0;
      const width = code > 0xffff ? 2 : 1; // a tag character is two UTF-16 units
      if (UNREAD.test(text.slice(i, i + width))) {
        i += width - 1;
        continue;
      }
    }
    if (/\s/.test(ch)) {
      if (!inSpace && normal.length > 0) {
        normal += " ";
        origin.push(i);
      }
      inSpace = true;
    } else {
      // A lower case can be longer than its letter ("İ" -> "i̇"): each of its units comes from this one.
      const lower = ch.toLowerCase();
      normal += lower;
      for (let k = 0; k < lower.length; k += 1) origin.push(i);
      inSpace = false;
    }
  }
  return { normal, origin };
}

/** Where the code view (CodeMirror, its default line separator) ends a line: "\r\n", "\r" or "\n". */
const LINE_BREAK = /\r\n?|\n/;

/** The 1-based lines of `code` that the quote spans (at `where`, else its `occurrence`: `findQuote`), or null when it
 * is not in the code. Lines are counted as the code view draws them: a lone "\r" ends one too. */
export function quoteLines(
  code: string,
  quote: string,
  occurrence = 0,
  where: readonly [number, number] | null = null,
): { from: number; to: number } | null {
  const span = findQuote(code, quote, occurrence, where);
  if (!span) return null;
  const lineOf = (offset: number): number => code.slice(0, offset).split(LINE_BREAK).length;
  return { from: lineOf(span[0]), to: lineOf(span[1] - 1) };
}
