// @vitest-environment jsdom
// Unsaved code kept across a reload: written when a save fails and as the page goes, removed once the server holds it
// or can never take it, and read back only as what it was (code and the revision it was edited from).
import { beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "./api";
import { DraftSaver } from "./drafts";
import { dropLocal, keepLocal, readLocal } from "./localcopy";

describe("local copies of unsaved code", () => {
  beforeEach(() => window.sessionStorage.clear());

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
    window.sessionStorage.setItem("shadows.unsaved.s1.cpp", JSON.stringify({ code: 5, base: "2" }));
    expect(readLocal("s1", "cpp")).toBeNull();
    window.sessionStorage.setItem("shadows.unsaved.s1.javascript", "{not json");
    expect(readLocal("s1", "javascript")).toBeNull();
    dropLocal("s1", "python");
    expect(readLocal("s1", "python")).toBeNull();
  });
});
