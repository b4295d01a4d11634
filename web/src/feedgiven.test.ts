// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from "vitest";
import type { HintsGiven } from "./api";
import { EventFeed } from "./feed";

function setUp(): { feed: EventFeed; lines: () => string[]; announced: () => string[]; times: () => string[] } {
  Element.prototype.scrollIntoView ??= () => undefined; // jsdom lays nothing out
  document.body.innerHTML = '<div id="announcer"></div><ul id="feed"></ul>';
  const list = document.getElementById("feed") as HTMLElement;
  return {
    feed: new EventFeed(list),
    lines: () =>
      [...list.querySelectorAll("li")].map((li) =>
        (li.textContent ?? "").slice((li.querySelector("time")?.textContent ?? "").length + 1),
      ),
    announced: () => [...document.querySelectorAll("#announcer p")].map((p) => p.textContent ?? ""),
    times: () => [...list.querySelectorAll("li time")].map((t) => t.textContent ?? ""),
  };
}

const atTen = new Date(2026, 11, 6, 10, 7).toISOString();

const twoOfFour: HintsGiven = {
  count: 2,
  total: 4,
  given: [
    { index: 1, unsettled: false, at: atTen },
    { index: 2, unsettled: true, at: atTen },
  ],
};

describe("hints given before the page opened, from the server's view", () => {
  beforeEach(() => {
    document.body.innerHTML = "";
  });

  it("shows them on a reload, at the time the record took them, without reading them out as news", () => {
    const { feed, lines, announced, times } = setUp();
    feed.given(twoOfFour, false);
    expect(lines()).toEqual(["Hint 1 of 4 given.", "Hint 2 of 4 given (the call dropped while it was being said)."]);
    expect(announced()).toEqual([]);
    const expected = new Date(atTen).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    expect(times()).toEqual([expected, expected]);
  });

  it("merges with the interviewer's events and later checks: each hint shows once, new ones are read out", () => {
    const { feed, lines, announced } = setUp();
    feed.given(twoOfFour, false);
    feed.add({ type: "hint", index: 2, total: 4, unsettled: true }); // a restarted interviewer telling it again
    feed.given(twoOfFour, true); // the next check: nothing new
    expect(lines()).toHaveLength(2);
    feed.add({ type: "hint", index: 3, total: 4 }); // given live
    feed.given({ count: 3, total: 4, given: [...twoOfFour.given, { index: 3, unsettled: false, at: atTen }] }, true);
    // a fourth learnt by a check before (or without) its event, as a second tab not in the call learns it
    feed.given({ count: 4, total: 4, given: [{ index: 4, unsettled: false, at: atTen }] }, true);
    feed.add({ type: "hint", index: 4, total: 4 });
    expect(lines()).toEqual([
      "Hint 1 of 4 given.",
      "Hint 2 of 4 given (the call dropped while it was being said).",
      "Hint 3 of 4 given.",
      "Hint 4 of 4 given.",
    ]);
    expect(announced()).toEqual(["Hint 3 of 4 given.", "Hint 4 of 4 given."]);
  });

  it("shows nothing for no view, none given, or a view without a total", () => {
    const { feed, lines } = setUp();
    feed.given(null, false);
    feed.given(undefined, false);
    feed.given({ count: 0, total: null, given: [] }, false);
    feed.given({ count: 1, total: null, given: [{ index: 1, unsettled: false, at: atTen }] }, false);
    expect(lines()).toEqual([]);
  });
});
