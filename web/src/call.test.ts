import { DisconnectReason, type Room, RoomEvent, RpcError, Track } from "livekit-client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./api";
import { CallController, type CallListener, type CallStatus, REJOIN_DELAYS_MS } from "./call";
import type { EditorSnapshot } from "./editor";
import { RPC_REPLY_MAX_BYTES, SNAPSHOT_MAX_BYTES } from "./protocol";

/** Speaks the part of livekit-client's Room the controller uses; records what the client sends. */
class FakeRoom {
  textHandlers = new Map<string, (reader: unknown, from: { identity: string }) => void>();
  rpcHandlers = new Map<string, (data: unknown) => Promise<string>>();
  private listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  remoteParticipants = new Map<string, unknown>();
  sent: { text: string; topic?: string; attributes?: Record<string, string>; to?: string[] }[] = [];
  canPlaybackAudio = true;
  disconnected = false;
  localParticipant = {
    identity: "candidate-1",
    audioTrackPublications: new Map(),
    sendText: async (
      text: string,
      options: { topic?: string; attributes?: Record<string, string>; destinationIdentities?: string[] },
    ) => {
      this.sent.push({ text, topic: options.topic, attributes: options.attributes, to: options.destinationIdentities });
      return {};
    },
    setMicrophoneEnabled: vi.fn(async () => undefined),
    setAttributes: vi.fn(async () => undefined),
  };

  constructor(private readonly fail: boolean) {}

  registerTextStreamHandler(topic: string, handler: (reader: unknown, from: { identity: string }) => void): void {
    this.textHandlers.set(topic, handler);
  }
  registerRpcMethod(method: string, handler: (data: unknown) => Promise<string>): void {
    this.rpcHandlers.set(method, handler);
  }
  on(event: string, fn: (...args: unknown[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) fn(...args);
  }
  removeAllListeners(): void {
    this.listeners.clear();
  }
  async connect(): Promise<void> {
    if (this.fail) throw new Error("could not establish signal connection");
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  async startAudio(): Promise<void> {}
}

function textReader(text: string, attributes: Record<string, string> = {}) {
  return {
    info: { id: "stream-1", attributes },
    readAll: async () => text,
    async *[Symbol.asyncIterator]() {
      yield text;
    },
  };
}

function recorder() {
  const calls: {
    statuses: [CallStatus, string | undefined][];
    events: unknown[];
    agent: string[];
    phases: (string | null)[];
    mic: boolean[];
    micProblems: string[];
  } = { statuses: [], events: [], agent: [], phases: [], mic: [], micProblems: [] };
  const listener: CallListener = {
    status: (s, d) => calls.statuses.push([s, d]),
    agentState: (s) => calls.agent.push(s),
    phase: (p) => calls.phases.push(p),
    event: (e) => calls.events.push(e),
    transcript: () => undefined,
    audioBlocked: () => undefined,
    microphone: (enabled, problem) => {
      calls.mic.push(enabled);
      if (problem) calls.micProblems.push(problem);
    },
  };
  return { calls, listener };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("CallController", () => {
  let editor: EditorSnapshot;
  let rooms: FakeRoom[];
  let failures: number;

  beforeEach(() => {
    editor = { code: "def f():\n    pass\n", language: "python", version: 3, cursor: "2:5" };
    rooms = [];
    failures = 0;
  });
  afterEach(() => vi.useRealTimers());

  function controller(listener: CallListener, credentials = vi.fn(async () => ({ serverUrl: "ws://x", token: "t" }))) {
    const makeRoom = () => {
      const room = new FakeRoom(failures-- > 0);
      rooms.push(room);
      return room as unknown as Room;
    };
    return {
      credentials,
      call: new CallController(
        credentials,
        { snapshot: () => ({ ...editor }) },
        listener,
        { appendChild: <T extends Node>(n: T) => n },
        makeRoom,
      ),
    };
  }

  it("says why a fresh room token was refused in sentences, with the wait a busy server named", async () => {
    const { calls, listener } = recorder();
    const refusals = [
      new ApiError(502, "http_502", "Bad Gateway"), // a proxy's page: its status line is no reason to show
      new ApiError(429, "rate_limited", "Rate limit exceeded", 3_000),
      new ApiError(0, "network_error", "Could not reach the server."),
      new ApiError(410, "invite_expired", "Invite expired"),
    ];
    const credentials = vi.fn(async () => {
      throw refusals.shift() ?? new Error("no more refusals");
    });
    const { call } = controller(listener, credentials);
    for (let i = 0; i < 4; i++) await call.start();
    expect(calls.statuses.filter(([s]) => s === "failed").map(([, detail]) => detail)).toEqual([
      "The interview server had a problem.",
      "Too many attempts. Wait 3 seconds.",
      "We could not reach the interview server.",
      "This interview link has expired.",
    ]);
  });

  it("reports a failed connection, and Retry connects with fresh credentials", async () => {
    failures = 1;
    const { calls, listener } = recorder();
    const { call, credentials } = controller(listener);
    await call.start();
    expect(calls.statuses.map(([s]) => s)).toEqual(["connecting", "failed"]);
    expect(calls.statuses[1][1]).toBe("We could not reach the voice server.");
    expect(rooms[0].disconnected).toBe(true);
    await call.start();
    expect(call.status).toBe("connected");
    expect(credentials.mock.calls.map((c) => (c as unknown[])[0])).toEqual([0, 1]);
  });

  it("says so when the microphone stops mid-call (unplugged, and no other one to fall back on)", async () => {
    const { calls, listener } = recorder();
    const { call } = controller(listener);
    await call.start();
    const room = rooms[0];
    const mic = { source: Track.Source.Microphone, kind: Track.Kind.Audio };
    // livekit-client mutes the track when the device ends and it cannot restart on another.
    room.emit(RoomEvent.TrackMuted, mic, room.localParticipant);
    expect(calls.mic.at(-1)).toBe(false);
    expect(calls.micProblems.at(-1)).toMatch(/microphone stopped/);
    await call.setMuted(true); // muting by hand is no problem to report
    room.emit(RoomEvent.TrackMuted, mic, room.localParticipant);
    expect(calls.micProblems.length).toBe(1);
  });

  it("on connect pushes the current editor and publishes the microphone", async () => {
    const { calls, listener } = recorder();
    const { call } = controller(listener);
    await call.start();
    expect(rooms[0].sent).toEqual([
      {
        text: editor.code,
        topic: "editor.snapshot",
        attributes: { version: "3", language: "python", cursor: "2:5" },
        to: undefined,
      },
    ]);
    expect(rooms[0].localParticipant.setMicrophoneEnabled).toHaveBeenCalledWith(true, expect.anything());
    // The agent trusts only this attribute as "our editor is here" (docs/protocol.md).
    expect(rooms[0].localParticipant.setAttributes).toHaveBeenCalledWith({ "editor.ready": "true" });
    expect(calls.mic).toEqual([true]);
  });

  it("debounces edits into snapshots only while connected", async () => {
    const { listener } = recorder();
    const { call } = controller(listener);
    call.editorChanged(); // not connected: nothing is scheduled
    expect(call.scheduler.pending).toBe(false);
    await call.start();
    vi.useFakeTimers();
    editor = { ...editor, code: "def f():\n    return 1\n", version: 4, cursor: "2:13" };
    call.editorChanged();
    call.editorChanged();
    vi.advanceTimersByTime(499);
    expect(rooms[0].sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await vi.runAllTimersAsync();
    expect(rooms[0].sent.map((s) => s.attributes?.version)).toEqual(["3", "4"]);
  });

  it("answers editor.get inline, or pushes the stream first when the code is too large for RPC", async () => {
    const { listener } = recorder();
    const { call } = controller(listener);
    await call.start();
    const rpc = rooms[0].rpcHandlers.get("editor.get")!;
    expect(JSON.parse(await rpc({ payload: "{}" }))).toEqual({
      version: 3,
      language: "python",
      cursor: "2:5",
      code: editor.code,
    });

    editor = { ...editor, code: "x = 1\n".repeat(RPC_REPLY_MAX_BYTES / 4), version: 9 };
    const reply = JSON.parse(await rpc({ payload: "{}" }));
    expect(reply).toEqual({ version: 9, language: "python", cursor: "2:5", code: null });
    const last = rooms[0].sent.at(-1)!;
    expect(last.topic).toBe("editor.snapshot");
    expect(last.attributes?.version).toBe("9");
    expect(last.text).toBe(editor.code);
  });

  it("never streams more of a huge paste than the agent keeps, on a push or after editor.get", async () => {
    const { listener } = recorder();
    const { call } = controller(listener);
    await call.start();
    const bytes = (text: string) => new TextEncoder().encode(text).length;
    // 12 MB of UTF-8 (2-, 3- and 4-byte characters): before, every byte went to the interviewer.
    editor = { ...editor, code: "é漢😀x\n".repeat(1_000_000), version: 10 };
    await call.pushSnapshot(true);
    const pushed = rooms[0].sent.at(-1)!;
    expect(pushed.attributes?.version).toBe("10");
    expect(bytes(pushed.text)).toBeLessThanOrEqual(SNAPSHOT_MAX_BYTES);
    expect(bytes(pushed.text)).toBeGreaterThan(SNAPSHOT_MAX_BYTES - 4); // all it may carry, cut at a character
    expect(editor.code.startsWith(pushed.text)).toBe(true);
    expect(pushed.text).not.toContain("\ufffd"); // no surrogate pair split

    editor = { ...editor, code: "x".repeat(3 * SNAPSHOT_MAX_BYTES), version: 11 };
    await rooms[0].rpcHandlers.get("editor.get")!({ payload: "{}" });
    const last = rooms[0].sent.at(-1)!;
    expect(last.attributes?.version).toBe("11");
    expect(last.text).toBe("x".repeat(SNAPSHOT_MAX_BYTES));

    // Code within the bound goes whole, to the byte.
    editor = { ...editor, code: "é".repeat(SNAPSHOT_MAX_BYTES / 2), version: 12 };
    await call.pushSnapshot(true);
    expect(rooms[0].sent.at(-1)!.text).toBe(editor.code);
  });

  it("passes interview events on and reflects the agent's state and phase", async () => {
    const { calls, listener } = recorder();
    const { call } = controller(listener);
    await call.start();
    const agent = {
      identity: "agent",
      isAgent: true,
      attributes: { "lk.agent.state": "listening", "interview.phase": "coding" },
    };
    rooms[0].remoteParticipants.set("agent", agent);
    rooms[0].remoteParticipants.set("viewer", { identity: "viewer", isAgent: false, attributes: {} });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    rooms[0].textHandlers.get("interview.event")!(textReader('{"type":"hint","index":1,"total":4}'), {
      identity: "agent",
    });
    rooms[0].textHandlers.get("interview.event")!(textReader("garbage"), { identity: "agent" });
    // Only the interviewer speaks for the interview: another participant's "ended" (or one from nobody in the
    // room) neither shows nor hangs up.
    for (const identity of ["viewer", "ghost"]) {
      rooms[0].textHandlers.get("interview.event")!(textReader('{"type":"ended","reason":"completed"}'), {
        identity,
      });
    }
    await flush();
    warn.mockRestore();
    expect(calls.events).toEqual([{ type: "hint", index: 1, total: 4 }]);
    rooms[0].remoteParticipants.delete("viewer");

    const before = rooms[0].sent.length;
    rooms[0].emit(RoomEvent.ParticipantConnected, agent);
    await flush();
    expect(calls.agent.at(-1)).toBe("listening");
    expect(calls.phases.at(-1)).toBe("coding");
    expect(rooms[0].sent.length).toBe(before + 1); // the agent gets the current code when it arrives
    expect(rooms[0].sent.at(-1)?.to).toEqual(["agent"]);
    expect(await call.sendChat("  can I use a hash map?  ")).toBe("sent");
    expect(rooms[0].sent.at(-1)).toMatchObject({ text: "can I use a hash map?", topic: "lk.chat", to: ["agent"] });
  });

  it("sends a typed message to the interviewer only, and says when none is in the call to read it", async () => {
    const { listener } = recorder();
    const { call } = controller(listener);
    await call.start();
    const before = rooms[0].sent.length;
    rooms[0].remoteParticipants.set("viewer", { identity: "viewer", isAgent: false, attributes: {} });
    expect(await call.sendChat("is anyone there?")).toBe("no_interviewer");
    expect(rooms[0].sent.slice(before)).toEqual([]); // nothing said into an empty room, nothing to an observer
    rooms[0].remoteParticipants.set("agent", { identity: "agent", isAgent: true, attributes: {} });
    rooms[0].localParticipant.sendText = async () => {
      throw new Error("data channel closed");
    };
    expect(await call.sendChat("hello?")).toBe("failed");
  });

  it("rejoins by itself after a drop, asks for Retry once the rejoins fail, and ends when the room closes", async () => {
    vi.useFakeTimers();
    const { calls, listener } = recorder();
    const { call, credentials } = controller(listener);
    await call.start();
    rooms[0].emit(RoomEvent.Disconnected, DisconnectReason.SIGNAL_CLOSE);
    expect(calls.statuses.at(-1)?.[0]).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(REJOIN_DELAYS_MS[0]);
    expect(call.status).toBe("connected");
    expect(credentials).toHaveBeenCalledTimes(2); // a fresh token for the rejoin

    failures = 10; // the server is gone: every rejoin fails, then the candidate gets Retry
    rooms[1].emit(RoomEvent.Disconnected, DisconnectReason.SIGNAL_CLOSE);
    for (const delay of REJOIN_DELAYS_MS) await vi.advanceTimersByTimeAsync(delay);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(call.status).toBe("failed");
    expect(rooms.length).toBe(2 + REJOIN_DELAYS_MS.length);

    failures = 0;
    await call.start();
    rooms.at(-1)!.emit(RoomEvent.Disconnected, DisconnectReason.ROOM_DELETED);
    expect(calls.statuses.at(-1)?.[0]).toBe("ended");
  });

  it("does not fight another tab for the call: a duplicate-identity kick asks before taking the call back", async () => {
    // Two tabs on one invite share the participant identity; LiveKit removes the older one when the newer joins.
    // Rejoining by itself would remove the other tab, which would rejoin and remove this one, without end.
    vi.useFakeTimers();
    const { calls, listener } = recorder();
    const { call, credentials } = controller(listener);
    await call.start();
    rooms[0].emit(RoomEvent.Disconnected, DisconnectReason.DUPLICATE_IDENTITY);
    await vi.advanceTimersByTimeAsync(REJOIN_DELAYS_MS.reduce((a, b) => a + b, 0) + 20_000);
    expect(rooms.length).toBe(1); // no rejoin of its own
    expect(credentials).toHaveBeenCalledTimes(1);
    expect(call.status).toBe("failed"); // Retry: the candidate's choice to bring the call here
    expect(calls.statuses.at(-1)?.[1]).toMatch(/another tab or window/);

    await call.start(); // the candidate pressed Retry in this tab
    expect(call.status).toBe("connected");
    expect(rooms.length).toBe(2);
  });

  it("asks the agent to end over RPC, falling back to a typed message when the agent has no such method", async () => {
    const { listener } = recorder();
    const { call } = controller(listener);
    await call.start();
    expect(await call.requestEnd()).toBe("unreachable"); // no interviewer to tell
    const agent = { identity: "agent", isAgent: true, attributes: {} };
    rooms[0].remoteParticipants.set("agent", agent);
    const rpc: unknown[] = [];
    (rooms[0].localParticipant as unknown as { performRpc: unknown }).performRpc = async (params: unknown) => {
      rpc.push(params);
      throw new RpcError(RpcError.ErrorCode.UNSUPPORTED_METHOD, "unsupported");
    };
    expect(await call.requestEnd()).toBe("chat");
    expect(rpc).toMatchObject([{ destinationIdentity: "agent", method: "interview.end" }]);
    expect(JSON.parse((rpc[0] as { payload: string }).payload)).toEqual({ reason: "candidate_request" });
    expect(rooms[0].sent.at(-1)).toMatchObject({
      topic: "lk.chat",
      text: "I would like to end the interview now. Thank you.",
    });
  });

  it("takes the agent's ok as the end request and sends no typed message", async () => {
    const { listener } = recorder();
    const { call } = controller(listener);
    await call.start();
    rooms[0].remoteParticipants.set("agent", { identity: "agent", isAgent: true, attributes: {} });
    const sentBefore = rooms[0].sent.length;
    (rooms[0].localParticipant as unknown as { performRpc: unknown }).performRpc = async () =>
      '{"ok":true,"status":"ending","reason":"candidate_request"}';
    expect(await call.requestEnd()).toBe("agent");
    expect(rooms[0].sent.slice(sentBefore).filter((m) => m.topic === "lk.chat")).toEqual([]);
  });

  it("sends the interviewer the newest code before asking it to end, which it completes the session with", async () => {
    const { listener } = recorder();
    const { call } = controller(listener);
    await call.start();
    rooms[0].remoteParticipants.set("agent", { identity: "agent", isAgent: true, attributes: {} });
    vi.useFakeTimers();
    editor = { ...editor, code: "def f():\n    return 'the last fix'\n", version: 9, cursor: "2:25" };
    call.editorChanged(); // typed a moment before End interview: the snapshot's quiet time is not over
    const order: string[] = [];
    (rooms[0].localParticipant as unknown as { performRpc: unknown }).performRpc = async () => {
      order.push(`end after version ${rooms[0].sent.at(-1)?.attributes?.version}`);
      return '{"ok":true,"status":"ending","reason":"candidate_request"}';
    };
    expect(await call.requestEnd()).toBe("agent");
    expect(order).toEqual(["end after version 9"]);
  });

  it("falls back to a typed message when the agent refuses, times out or answers nonsense", async () => {
    const { listener } = recorder();
    const { call } = controller(listener);
    await call.start();
    rooms[0].remoteParticipants.set("agent", { identity: "agent", isAgent: true, attributes: {} });
    const answers: (() => Promise<string>)[] = [
      async () => {
        throw new RpcError(RpcError.ErrorCode.APPLICATION_ERROR, "not_candidate");
      },
      async () => {
        throw new RpcError(RpcError.ErrorCode.RESPONSE_TIMEOUT, "timeout");
      },
      async () => {
        throw new TypeError("closed");
      },
      async () => "not json",
      async () => '{"ok":false}',
      async () => '"ok"',
    ];
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    for (const answer of answers) {
      (rooms[0].localParticipant as unknown as { performRpc: unknown }).performRpc = answer;
      const before = rooms[0].sent.length;
      expect(await call.requestEnd()).toBe("chat");
      expect(rooms[0].sent.slice(before)).toMatchObject([{ topic: "lk.chat" }]);
    }
    // Neither channel works: the page is told nobody could be reached (it then ends the interview itself).
    rooms[0].localParticipant.sendText = async () => {
      throw new Error("data channel closed");
    };
    expect(await call.requestEnd()).toBe("unreachable");
    warn.mockRestore();
  });

  it("tells only the interviewer the size of a paste, never its text, and only while connected", async () => {
    const { listener } = recorder();
    const { call } = controller(listener);
    await call.reportPaste(900, 20); // not connected yet: nothing to send
    await call.start();
    const before = rooms[0].sent.length;
    await call.reportPaste(900, 20); // no interviewer in the room: an observer never hears of it
    expect(rooms[0].sent.length).toBe(before);
    rooms[0].remoteParticipants.set("viewer", { identity: "viewer", isAgent: false, attributes: {} });
    rooms[0].remoteParticipants.set("agent", { identity: "agent", isAgent: true, attributes: {} });
    await call.reportPaste(900, 20);
    await call.reportPaste(0, 0); // an empty paste is not reported
    expect(rooms[0].sent.slice(before)).toEqual([
      { text: "paste", topic: "editor.paste", attributes: { chars: "900", lines: "20" }, to: ["agent"] },
    ]);
    rooms[0].localParticipant.sendText = async () => {
      throw new Error("data channel closed");
    };
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    await expect(call.reportPaste(900, 20)).resolves.toBeUndefined(); // a failed send never breaks the editor
    warn.mockRestore();
  });

  it("hangs up once the interview has ended and the interviewer has left", async () => {
    const { calls, listener } = recorder();
    const { call } = controller(listener);
    await call.start();
    const agent = { identity: "agent", isAgent: true, attributes: {} };
    rooms[0].remoteParticipants.set("agent", agent);
    rooms[0].emit(RoomEvent.ParticipantConnected, agent);
    rooms[0].textHandlers.get("interview.event")!(textReader('{"type":"ended","reason":"completed"}'), {
      identity: "agent",
    });
    await flush();
    expect(call.status).toBe("connected");
    rooms[0].remoteParticipants.delete("agent");
    rooms[0].emit(RoomEvent.ParticipantDisconnected, agent);
    await flush();
    expect(call.status).toBe("ended");
    expect(rooms[0].disconnected).toBe(true);
    expect(calls.events).toEqual([{ type: "ended", reason: "completed" }]);
  });
});
