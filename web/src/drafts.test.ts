import { describe, expect, it } from "vitest";
import { DraftSaver, type SaveState } from "./drafts";
import { ManualTimers } from "./testing/manualtimers";

// The drafts' clock: the timers due at once, then a few turns for the saves they start (ManualTimers.fireDue).
class DraftTimers extends ManualTimers {
  override async advance(ms: number): Promise<void> {
    this.fireDue(ms);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

function setup(fail: (n: number) => number | null = () => null) {
  const saves: [string, string][] = [];
  const states: SaveState[] = [];
  const timers = new DraftTimers();
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
  const timers = new DraftTimers();
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

describe("a language switch on a failing network", () => {
  it("keeps retrying the language left behind, and counts it as unsaved until it is saved", async () => {
    let down = true;
    const saves: [string, string][] = [];
    const timers = new DraftTimers();
    const saver = new DraftSaver(
      {
        save: async (language, code) => {
          if (down) throw Object.assign(new Error("network"), { status: 0 });
          saves.push([language, code]);
        },
      },
      () => undefined,
      timers,
    );
    saver.known("python", "py starter", 0);
    saver.known("java", "java starter", 0);
    saver.changed("python", "an hour of python");
    await saver.flush(); // the switch flushes first: the network fails
    saver.changed("java", "java starter"); // the other language's code, already on the server
    expect(saver.unsaved).toBe(true); // a reload now would lose the python: the page must still ask first
    down = false;
    await timers.advance(10_000);
    await saver.flush();
    expect(saves).toContainEqual(["python", "an hour of python"]);
    expect(saver.unsaved).toBe(false);
  });

  it("sends every unsaved language as the page leaves", async () => {
    const sent: [string, string][] = [];
    let down = true;
    const saver = new DraftSaver(
      {
        save: async (language, code, _base, keepalive) => {
          if (keepalive) sent.push([language, code]);
          else if (down) throw Object.assign(new Error("network"), { status: 0 });
        },
      },
      () => undefined,
      new DraftTimers(),
    );
    saver.known("python", "p", 0);
    saver.known("java", "j", 0);
    saver.changed("python", "p typed");
    await saver.flush();
    saver.changed("java", "j typed");
    down = false;
    saver.leaving();
    expect(sent).toEqual(
      expect.arrayContaining([
        ["python", "p typed"],
        ["java", "j typed"],
      ]),
    );
  });
});

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

describe("leaving the page", () => {
  it("sends code typed inside the autosave's quiet time in a request that outlives the page, once", async () => {
    const sent: [string, string, number | undefined, boolean | undefined][] = [];
    const timers = new DraftTimers();
    const saver = new DraftSaver(
      { save: async (language, code, base, keepalive) => void sent.push([language, code, base, keepalive]) },
      () => undefined,
      timers,
    );
    saver.known("python", "start", 4);
    saver.leaving();
    expect(sent).toEqual([]); // nothing typed: nothing to send
    saver.changed("python", "start + typed");
    saver.leaving();
    expect(sent).toEqual([["python", "start + typed", 4, true]]);
    await timers.advance(10_000);
    expect(sent.length).toBe(1); // the autosave it replaced does not fire as well
  });

  it("sends nothing more once it went: the page hidden as it goes saves only when it is shown again", async () => {
    // The browser hides a page after its pagehide: a plain save then is cancelled with the page at any point, landing
    // or not, and the page opened next (which restores the copy kept as it went) could not tell which.
    const sent: [string, boolean | undefined][] = [];
    const timers = new DraftTimers();
    const saver = new DraftSaver(
      { save: async (_language, code, _base, keepalive) => void sent.push([code, keepalive]) },
      () => undefined,
      timers,
    );
    saver.known("python", "start", 4);
    saver.changed("python", "start + typed");
    saver.leaving();
    saver.hidden();
    await timers.advance(10_000);
    expect(sent).toEqual([["start + typed", true]]);
    saver.shown(); // Back: the same page, restored from the back/forward cache, saves what it sent as it went
    saver.changed("python", "start + typed + more");
    saver.hidden(); // another tab
    await timers.advance(0);
    expect(sent).toEqual([
      ["start + typed", true],
      ["start + typed", undefined],
      ["start + typed + more", undefined],
    ]);
  });
});

describe("the page opened again after it went", () => {
  it("takes the page before's save of the code it restored, landing after the drafts were read, for its own", async () => {
    // The page before kept its unsaved code in the browser's storage and sent it as it went (or a save was cut off
    // with it); the request landed only after this page had read the drafts and restored the kept copy.
    const server = new FakeDraftServer();
    const again = tab(server);
    const dropped: string[] = [];
    again.saver.local = { keep: () => undefined, drop: (language) => dropped.push(language) };
    again.saver.known("python", "starter", 0); // the drafts as this page read them
    again.saver.restored("python", "typed before the reload");
    server.save("typed before the reload", 0); // the page before's request lands now
    again.saver.changed("python", "typed before the reload");
    await again.saver.flush(); // refused as based on revision 0: the server holds this very code
    expect(again.states).not.toContain("conflict");
    expect(again.states.at(-1)).toBe("saved");
    expect(dropped).toEqual(["python"]); // the server holds it: no copy is left behind
    again.saver.changed("python", "typed after the reload");
    await again.timers.advance(1000);
    expect(server.code).toBe("typed after the reload");
    expect(again.states.at(-1)).toBe("saved");
  });

  it("still stops when the draft saved since is not the code it restored", async () => {
    const server = new FakeDraftServer();
    const again = tab(server);
    again.saver.known("python", "starter", 0);
    again.saver.restored("python", "typed before the reload");
    server.save("typed on another device", 0);
    again.saver.changed("python", "typed before the reload");
    await again.saver.flush();
    expect(again.states.at(-1)).toBe("conflict");
    expect(server.code).toBe("typed on another device");
  });
});

describe("code the server will not store", () => {
  it("says why and waits for a change instead of sending it again and again, and saves the other languages", async () => {
    const saves: [string, string][] = [];
    const states: [SaveState, string | undefined][] = [];
    const timers = new DraftTimers();
    let attempts = 0;
    const saver = new DraftSaver(
      {
        save: async (language, code) => {
          attempts += 1;
          if (code.length > 20) {
            throw Object.assign(new Error("code: String should have at most 20 characters"), {
              status: 422,
              code: "validation_error",
            });
          }
          saves.push([language, code]);
        },
      },
      (s, detail) => states.push([s, detail]),
      timers,
    );
    saver.known("python", "p", 0);
    saver.known("java", "j", 0);
    saver.changed("java", "j typed");
    saver.changed("python", "x".repeat(50)); // a huge paste
    for (let i = 0; i < 20; i++) await timers.advance(3000);
    expect(attempts).toBe(2); // once each: no loop of refused 200 KB bodies
    expect(saves).toEqual([["java", "j typed"]]);
    expect(states.map(([s]) => s)).toContain("refused");
    // The page's own words, never the validator's ("code: String should have at most 20 characters").
    expect(states.find(([s]) => s === "refused")?.[1]).toBe("The interview server cannot keep this code as it is.");
    expect(saver.unsaved).toBe(true); // still asks before a reload
    saver.changed("python", "x".repeat(10)); // cut down: saved again
    await timers.advance(1000);
    expect(saves.at(-1)).toEqual(["python", "x".repeat(10)]);
    expect(saver.unsaved).toBe(false);
  });
});

describe("a page that comes back after it was left (Back, the back/forward cache)", () => {
  it("takes the save it sent as it left for its own, not for another tab's, and carries on saving", async () => {
    const server = new FakeDraftServer();
    const only = tab(server);
    only.saver.known("python", "starter", 0);
    only.saver.changed("python", "typed just before leaving");
    only.saver.leaving(); // the request outlives the page; the page never reads its answer
    await only.timers.advance(0);
    expect(server.code).toBe("typed just before leaving");
    // The candidate presses Back: the same page, restored as it was, carries on typing.
    only.saver.changed("python", "typed after coming back");
    await only.saver.flush();
    await only.timers.advance(1000);
    await only.saver.flush();
    expect(only.states).not.toContain("conflict");
    expect(server.code).toBe("typed after coming back");
    expect(only.states.at(-1)).toBe("saved");
  });

  it("confirms what it sent as it left once it is shown again, with no keystroke needed", async () => {
    const server = new FakeDraftServer();
    const only = tab(server);
    only.saver.known("python", "starter", 0);
    only.saver.changed("python", "typed just before leaving");
    only.saver.leaving(); // landed while the page sat in the back/forward cache; its answer never read
    await only.timers.advance(0);
    expect(server.revision).toBe(1);
    only.saver.shown();
    await only.timers.advance(0);
    expect(only.states).not.toContain("conflict");
    expect(only.states.at(-1)).toBe("saved");
    expect(only.saver.unsaved).toBe(false); // no leave prompt for code the server holds
    expect(server.code).toBe("typed just before leaving");
    only.saver.shown(); // a second pageshow (or a first load's) sends nothing
    await only.timers.advance(0);
    expect(server.revision).toBe(1);
  });
});
