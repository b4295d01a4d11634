// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { formatClock, InterviewClock, readClock } from "./timer";

describe("interview clock", () => {
  it("formats minutes and seconds, rounding up partial seconds", () => {
    expect(formatClock(45 * 60_000)).toBe("45:00");
    expect(formatClock(61_500)).toBe("1:02");
    expect(formatClock(-5)).toBe("0:00");
    expect(formatClock(90 * 60_000)).toBe("1:30:00");
  });

  it("shows the full duration before the interview starts", () => {
    expect(readClock({ ends_at: null, duration_minutes: 45 }, 0)).toMatchObject({ text: "45:00", state: "waiting" });
    expect(readClock({ ends_at: null, duration_minutes: 45, extra_time_minutes: 15 }, 0)).toMatchObject({
      text: "1:00:00",
    });
  });

  it("counts down to ends_at, low in the last five minutes, over at zero", () => {
    const end = Date.parse("2026-11-21T10:00:00Z");
    const session = { ends_at: "2026-11-21T10:00:00Z", duration_minutes: 45 };
    expect(readClock(session, end - 10 * 60_000)).toMatchObject({ text: "10:00", state: "running" });
    expect(readClock(session, end - 4 * 60_000)).toMatchObject({ text: "4:00", state: "low" });
    expect(readClock(session, end + 1000)).toMatchObject({ text: "0:00", state: "over" });
  });

  // Before the page's first answer the clock read "0:00" (a placeholder session of no minutes), and a tab told that
  // another had started the interview went on showing the full time until its next check of the session.
  it("shows nothing until the page has the server's view, and again when a view before the start is in doubt", () => {
    const element = document.createElement("span");
    const now = Date.parse("2026-11-21T09:30:00Z");
    const clock = new InterviewClock(null, element, () => now);
    clock.start();
    expect([element.textContent, element.dataset.state]).toEqual(["--:--", "unknown"]);
    expect(element.getAttribute("aria-label")).toBe("Time remaining: not known yet");
    expect(clock.started).toBe(false);
    clock.setSession({ ends_at: null, duration_minutes: 45 });
    expect([element.textContent, element.dataset.state]).toEqual(["45:00", "waiting"]);
    clock.forgetUnstarted(); // another tab says it started: the full time is no longer the time left
    expect([element.textContent, element.dataset.state]).toEqual(["--:--", "unknown"]);
    clock.setSession({ ends_at: "2026-11-21T10:00:00Z", duration_minutes: 45 });
    expect([element.textContent, element.dataset.state, clock.started]).toEqual(["30:00", "running", true]);
    clock.forgetUnstarted(); // a running interview's end is kept: only a newer view moves it
    expect(element.textContent).toBe("30:00");
    clock.halt();
  });
});
