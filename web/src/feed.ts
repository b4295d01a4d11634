// The event feed: what the interviewer reports (phase changes, test runs, hints, time warnings), newest last.
import { announce } from "./announce";
import { h } from "./dom";
import type { InterviewEvent } from "./protocol";
import { verdictLabel } from "./results";
import type { HintsGiven, RunReport } from "./api";

const PHASE_NAMES: Record<string, string> = {
  greeting: "Introductions",
  problem: "The problem",
  approach: "Discussing the approach",
  coding: "Coding",
  testing: "Testing",
  complexity: "Complexity",
  wrap_up: "Wrap-up",
  end: "Ended",
};

export function phaseName(phase: string): string {
  return PHASE_NAMES[phase] ?? phase.replace(/[_-]+/g, " ").replace(/^\w/, (c) => c.toUpperCase());
}

/** The feed line for an event, or null for events the candidate does not need to see. */
export function describeEvent(event: InterviewEvent): string | null {
  switch (event.type) {
    case "phase":
      return `Now: ${phaseName(String(event.phase))}`;
    case "test_report": {
      const report = event.report as RunReport | undefined;
      if (!report) return "The interviewer ran the tests.";
      return report.verdict === "compile_error" || report.verdict === "internal_error"
        ? `The interviewer ran the tests: ${verdictLabel(report.verdict).toLowerCase()}.`
        : `The interviewer ran the tests: ${report.passed} of ${report.total} passed.`;
    }
    case "hint":
      // An unsettled hint was being said when the interviewer's call dropped; the record counts it as given.
      return event.unsettled === true
        ? `Hint ${Number(event.index)} of ${Number(event.total)} given (the call dropped while it was being said).`
        : `Hint ${Number(event.index)} of ${Number(event.total)} given.`;
    case "time_warning": {
      const minutes = Number(event.minutes_left);
      return `${minutes} minute${minutes === 1 ? "" : "s"} left.`;
    }
    case "time_up":
      return "Time is up.";
    case "ended":
      return "The interview has ended. Thank you!";
    case "error":
      // The interviewer could not run this interview and leaves (docs/protocol.md). A failed start leaves the
      // interview open: another interviewer is called (the page's watch says so), or the candidate can come back.
      return event.code === "session_unavailable"
        ? "This interview cannot run: it has ended or is no longer available."
        : "The interviewer could not start. We are calling another one; if nobody joins, reload this page in a few minutes.";
    default:
      return null;
  }
}

export class EventFeed {
  /** Hints shown: each is given once, so a second event for one (a restarted interviewer telling it again) is not. */
  private readonly hints = new Set<number>();

  constructor(private readonly list: HTMLElement) {}

  /** `announced`: read out too (new to this page); a line restored from the server's view is shown only. */
  add(event: InterviewEvent, at: Date = new Date(), announced = true): void {
    const text = describeEvent(event);
    if (!text) return;
    if (event.type === "hint") {
      const index = Number(event.index);
      if (this.hints.has(index)) return;
      this.hints.add(index);
    }
    const time = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    this.list.appendChild(
      h("li", { class: `feed-item feed-${event.type}`, "data-type": event.type }, h("time", {}, time), " ", text),
    );
    if (announced) announce(text);
    while (this.list.children.length > 100) this.list.firstElementChild?.remove();
    this.list.lastElementChild?.scrollIntoView({ block: "nearest" });
  }

  /** The hints the server's view of the session says were given (`hints`, from the record), each shown once with
   * the time the record took it, merged with the interviewer's `hint` events: a page reloaded or opened in a second
   * tab shows the hints given before it, as the page that was told. `announced` for hints new to this page (learnt
   * by a later check), not for those already given when it opened. */
  given(hints: HintsGiven | null | undefined, announced: boolean): void {
    const total = hints?.total;
    if (!hints || typeof total !== "number" || !Array.isArray(hints.given)) return;
    for (const hint of hints.given) {
      const at = new Date(hint.at);
      const event = { type: "hint", index: hint.index, total, unsettled: hint.unsettled === true };
      this.add(event, Number.isNaN(at.getTime()) ? new Date() : at, announced);
    }
  }

  note(text: string): void {
    this.list.appendChild(h("li", { class: "feed-item feed-note" }, text));
  }
}
