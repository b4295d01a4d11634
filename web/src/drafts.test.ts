import { describe, expect, it } from "vitest";
import { DraftSaver, type SaveState } from "./drafts";
import type { Timers } from "./snapshots";

class ManualTimers implements Timers {
  private next = 1;
  pending = new Map<number, { fn: () => void; at: number }>();
  now = 0;
  setTimeout(fn: () => void, ms: number): number {
    const id = this.next++;
    this.pending.set(id, { fn, at: this.now + ms });
    return id;
  }
  clearTimeout(id: number): void {
    this.pending.delete(id);
  }
  async advance(ms: number): Promise<void> {
    this.now += ms;
    for (const [id, t] of [...this.pending]) {
      if (t.at <= this.now) {
        this.pending.delete(id);
        t.fn();
      }
    }
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

function setup(fail: (n: number) => number | null = () => null) {
  const saves: [string, string][] = [];
  const states: SaveState[] = [];
  const timers = new ManualTimers();
  let n = 0;
  const saver = new DraftSaver(
    {
      save: async (language, code) => {
        const status = fail(n++);
        if (status !== null) throw Object.assign(new Error("refused"), { status });
        saves.push([language, code]);
      },
    },
    (s) => states.push(s),
    timers,
  );
  return { saver, saves, states, timers };
}

describe("draft autosave", () => {
  it("saves once after typing pauses, and not what the server already has", async () => {
    const { saver, saves, timers, states } = setup();
    saver.known("python", "starter");
    saver.changed("python", "starter");
    await timers.advance(1000);
    expect(saves).toEqual([]);
    saver.changed("python", "a");
    saver.changed("python", "ab");
    await timers.advance(500);
    saver.changed("python", "abc");
    await timers.advance(900);
    expect(saves).toEqual([["python", "abc"]]);
    expect(states.at(-1)).toBe("saved");
  });

  it("keeps saving during long typing bursts", async () => {
    const { saver, saves, timers } = setup();
    for (let i = 0; i < 30; i++) {
      saver.changed("python", "x".repeat(i + 1));
      await timers.advance(300);
    }
    expect(saves.length).toBeGreaterThanOrEqual(1);
  });

  it("retries after a network failure and stops for good when the interview refuses", async () => {
    const retry = setup((n) => (n === 0 ? 0 : null));
    retry.saver.changed("java", "class A {}");
    await retry.timers.advance(900);
    expect(retry.states).toContain("retrying");
    await retry.timers.advance(900);
    expect(retry.saves).toEqual([["java", "class A {}"]]);

    const refused = setup(() => 409);
    refused.saver.changed("java", "x");
    await refused.timers.advance(900);
    refused.saver.changed("java", "y");
    await refused.timers.advance(5000);
    expect(refused.states.at(-1)).toBe("stopped");
    expect(refused.saves).toEqual([]);
  });

  it("flushes before a language switch so each language keeps its own code", async () => {
    const { saver, saves } = setup();
    saver.changed("python", "py code");
    await saver.flush();
    saver.changed("javascript", "js code");
    await saver.flush();
    expect(saves).toEqual([
      ["python", "py code"],
      ["javascript", "js code"],
    ]);
  });
});
