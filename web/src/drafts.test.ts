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

/** The API's drafts for one language: a save with a base revision is refused once another save came in between. */
class FakeDraftServer {
  code: string | null = null;
  revision = 0;
  /** Store the next saves but lose their answers (a dropped connection after the write). */
  loseAnswers = 0;

  save(code: string, base: number | undefined): { revision: number } {
    if (base !== undefined && base !== this.revision) {
      throw Object.assign(new Error("changed in another tab"), { status: 409, code: "draft_conflict" });
    }
    this.code = code;
    this.revision += 1;
    if (this.loseAnswers > 0) {
      this.loseAnswers -= 1;
      throw Object.assign(new Error("network"), { status: 0, code: "network_error" });
    }
    return { revision: this.revision };
  }
}

function tab(server: FakeDraftServer) {
  const states: SaveState[] = [];
  const timers = new ManualTimers();
  const saver = new DraftSaver(
    {
      save: async (_language, code, base) => server.save(code, base),
      latest: async () => (server.code === null ? null : { code: server.code, revision: server.revision }),
    },
    (s) => states.push(s),
    timers,
  );
  return { saver, states, timers };
}

describe("drafts from two tabs", () => {
  it("never saves a stale tab's code over what another tab saved since it loaded", async () => {
    const server = new FakeDraftServer();
    const a = tab(server);
    const b = tab(server);
    a.saver.known("python", "starter", 0); // both opened before anything was saved
    b.saver.known("python", "starter", 0);
    b.saver.changed("python", "tab B's work");
    await b.saver.flush();
    b.saver.changed("python", "tab B's work, more");
    await b.saver.flush(); // B carries on from its own revision
    expect(server.code).toBe("tab B's work, more");

    a.saver.changed("python", "tab A");
    await a.saver.flush();
    expect(server.code).toBe("tab B's work, more");
    expect(a.states.at(-1)).toBe("conflict");
    a.saver.changed("python", "tab A again");
    await a.timers.advance(10_000);
    await a.saver.flush();
    expect(server.code).toBe("tab B's work, more"); // the stale tab stopped saving
    expect(b.states.at(-1)).toBe("saved");
  });

  it("carries on when its own save landed but the answer was lost", async () => {
    const server = new FakeDraftServer();
    const only = tab(server);
    only.saver.known("python", "starter", 0);
    server.loseAnswers = 1;
    only.saver.changed("python", "a");
    await only.saver.flush();
    expect(only.states.at(-1)).toBe("retrying");
    only.saver.changed("python", "ab");
    await only.saver.flush(); // refused as based on revision 0, but the server holds our own "a"
    await only.timers.advance(1000);
    await only.saver.flush();
    expect(server.code).toBe("ab");
    expect(only.states).not.toContain("conflict");
    expect(only.states.at(-1)).toBe("saved");
  });
});
