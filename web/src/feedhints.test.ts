// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { describeEvent, EventFeed } from "./feed";

describe("hints in the event feed", () => {
  it("says plainly when a hint was being said as the call dropped, only when the event says so", () => {
    expect(describeEvent({ type: "hint", index: 2, total: 4, unsettled: true })).toBe(
      "Hint 2 of 4 given (the call dropped while it was being said).",
    );
    expect(describeEvent({ type: "hint", index: 2, total: 4 })).toBe("Hint 2 of 4 given.");
    expect(describeEvent({ type: "hint", index: 2, total: 4, unsettled: "yes" })).toBe("Hint 2 of 4 given.");
  });

  it("shows each hint once, however many times it is told", () => {
    Element.prototype.scrollIntoView ??= () => undefined; // jsdom lays nothing out
    document.body.innerHTML = '<div id="announcer"></div><ul id="feed"></ul>';
    const list = document.getElementById("feed") as HTMLElement;
    const feed = new EventFeed(list);
    feed.add({ type: "hint", index: 1, total: 4 });
    feed.add({ type: "hint", index: 2, total: 4, unsettled: true });
    feed.add({ type: "hint", index: 2, total: 4, unsettled: true });
    feed.add({ type: "hint", index: 1, total: 4 });
    feed.add({ type: "hint", index: 3, total: 4 });
    const lines = [...list.querySelectorAll("li")].map((li) =>
      (li.textContent ?? "").slice((li.querySelector("time")?.textContent ?? "").length + 1),
    );
    expect(lines).toEqual([
      "Hint 1 of 4 given.",
      "Hint 2 of 4 given (the call dropped while it was being said).",
      "Hint 3 of 4 given.",
    ]);
  });
});
