// @vitest-environment jsdom
// Unsaved code kept across a reload: written when a save fails and as the page goes, removed once the server holds it
// or can never take it, and read back only as what it was (code and the revision it was edited from).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./api";
import { DraftSaver } from "./drafts";
import { dropLocal, keepLocal, MAX_AGE_MS, readLocal, sweepLocal } from "./localcopy";

describe("local copies of unsaved code", () => {
  beforeEach(() => {
    window.sessionStorage.clear();
    window.localStorage.clear();
  });
  afterEach(() => vi.useRealTimers());

  it("keeps a failed save's code with its base revision, and drops it once saved", async () => {
    let failing = true;
    const kept = new Map<string, { code: string; base: number }>();
    const saver = new DraftSaver(
      {
        save: async () => {
          if (failing) throw new ApiError(0, "network_error", "offline");
          return { revision: 4 };
        },
      },
      () => undefined,
    );
    saver.local = { keep: (l, code, base) => kept.set(l, { code, base }), drop: (l) => kept.delete(l) };
    saver.known("python", "saved", 3);
    saver.changed("python", "saved, and more");
    await saver.flush();
    expect(kept.get("python")).toEqual({ code: "saved, and more", base: 3 });
    saver.changed("python", "saved, and more still");
    saver.leaving(); // the page goes: the newest code, not the one that failed
    expect(kept.get("python")).toEqual({ code: "saved, and more still", base: 3 });
    failing = false;
    await saver.flush();
    expect(kept.has("python")).toBe(false);
  });

  it("drops it when another tab saved since, or the interview is over", async () => {
    for (const error of [
      new ApiError(409, "draft_conflict", "changed in another tab"),
      new ApiError(409, "session_finished", "over"),
    ]) {
      const dropped: string[] = [];
      const saver = new DraftSaver(
        {
          save: async () => {
            throw error;
          },
        },
        () => undefined,
      );
      saver.local = { keep: () => undefined, drop: (l) => dropped.push(l) };
      saver.known("java", "a", 1);
      saver.changed("java", "ab");
      await saver.flush();
      expect(dropped).toContain("java");
    }
  });

  it("reads back only a well-formed copy, per session and language", () => {
    keepLocal("s1", "python", { code: "x = 1", base: 2 });
    expect(readLocal("s1", "python")).toEqual({ code: "x = 1", base: 2 });
    expect(readLocal("s1", "java")).toBeNull();
    expect(readLocal("s2", "python")).toBeNull();
    window.localStorage.setItem("shadows.unsaved.s1.cpp", JSON.stringify({ code: 5, base: "2", at: Date.now() }));
    expect(readLocal("s1", "cpp")).toBeNull();
    window.localStorage.setItem("shadows.unsaved.s1.javascript", "{not json");
    expect(readLocal("s1", "javascript")).toBeNull();
    dropLocal("s1", "python");
    expect(readLocal("s1", "python")).toBeNull();
  });

  it("outlives the tab: kept where a page opened again later in this browser finds it, not in the tab", () => {
    // A tab closed takes its sessionStorage with it; the link opened again is a new tab with none.
    keepLocal("s1", "python", { code: "typed before the close", base: 3 });
    window.sessionStorage.clear();
    expect(readLocal("s1", "python")).toEqual({ code: "typed before the close", base: 3 });
    dropLocal("s1", "python");
    expect(window.localStorage.length).toBe(0);
  });

  it("still reads a copy an earlier build kept in the tab, and drops it with the new one", () => {
    window.sessionStorage.setItem("shadows.unsaved.s1.python", JSON.stringify({ code: "old build", base: 1 }));
    expect(readLocal("s1", "python")).toEqual({ code: "old build", base: 1 });
    dropLocal("s1", "python");
    expect(readLocal("s1", "python")).toBeNull();
  });

  it("never gives back a copy older than any interview, and sweeps such copies of every interview", () => {
    vi.useFakeTimers({ now: Date.parse("2026-12-01T10:00:00Z") });
    keepLocal("s1", "python", { code: "old", base: 1 });
    keepLocal("s2", "java", { code: "older", base: 2 });
    window.localStorage.setItem("shadows.unsaved.s3.cpp", JSON.stringify({ code: "no time", base: 1 }));
    window.localStorage.setItem("shadows.other", "kept");
    vi.setSystemTime(Date.parse("2026-12-01T10:00:00Z") + MAX_AGE_MS - 1000);
    keepLocal("s4", "python", { code: "recent", base: 1 });
    expect(readLocal("s1", "python")).toEqual({ code: "old", base: 1 });
    vi.setSystemTime(Date.parse("2026-12-01T10:00:00Z") + MAX_AGE_MS);
    expect(readLocal("s1", "python")).toBeNull();
    expect(window.localStorage.getItem("shadows.unsaved.s1.python")).toBeNull(); // removed as it was read
    sweepLocal();
    expect(Object.keys(window.localStorage).sort()).toEqual(["shadows.other", "shadows.unsaved.s4.python"]);
  });

  it("falls back to the tab's storage when the browser's is full, leaving no older copy to be read first", () => {
    keepLocal("s1", "python", { code: "older", base: 1 });
    const original = Storage.prototype.setItem;
    const setItem = vi.spyOn(Storage.prototype, "setItem").mockImplementation(function (this: Storage, k, v) {
      if (this === window.localStorage) throw new DOMException("full", "QuotaExceededError");
      original.call(this, k, v);
    });
    try {
      keepLocal("s1", "python", { code: "newer", base: 1 });
    } finally {
      setItem.mockRestore();
    }
    expect(readLocal("s1", "python")).toEqual({ code: "newer", base: 1 });
  });
});
