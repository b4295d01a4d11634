// @vitest-environment jsdom
/// <reference types="vite/client" />
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeviceCheck, problemFor } from "./devicecheck";
import { clampSizes } from "./layout";
import page from "../index.html?raw";

const error = (name: string) => Object.assign(new Error(name), { name });

describe("device check", () => {
  it("names the cause of a refused microphone", () => {
    expect(problemFor(error("NotAllowedError"), false, null)).toBe("denied");
    expect(problemFor(error("NotAllowedError"), true, false)).toBe("blocked_by_embed");
    expect(problemFor(error("NotAllowedError"), true, null)).toBe("blocked_by_embed");
    expect(problemFor(error("NotAllowedError"), true, true)).toBe("denied");
    expect(problemFor(error("NotFoundError"), false, null)).toBe("no_device");
    expect(problemFor(error("NotReadableError"), false, null)).toBe("in_use");
    expect(problemFor(error("TypeError"), false, null)).toBe("unsupported");
  });
});

describe("pane sizes", () => {
  it("keep every pane usable", () => {
    expect(clampSizes(5, 5)).toEqual({ left: 15, right: 15 });
    expect(clampSizes(90, 90)).toEqual({ left: 60, right: 20 });
    expect(clampSizes(30, 22)).toEqual({ left: 30, right: 22 });
  });
});

/** A microphone stream whose tracks say whether they were stopped. */
function fakeStream(deviceId: string) {
  const track = {
    kind: "audio",
    readyState: "live" as "live" | "ended",
    stop: vi.fn(() => {
      track.readyState = "ended";
    }),
    getSettings: () => ({ deviceId }),
    addEventListener: () => undefined,
  };
  const stream = { getAudioTracks: () => [track], getTracks: () => [track] };
  return { stream: stream as unknown as MediaStream, track };
}

describe("device check: one microphone at a time", () => {
  // Each getUserMedia waits on the browser's permission prompt until the test answers it.
  let answers: ((stream: MediaStream) => void)[];

  beforeEach(() => {
    document.body.innerHTML = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";
    answers = [];
    const mediaDevices = {
      getUserMedia: () => new Promise<MediaStream>((resolve) => answers.push(resolve)),
      enumerateDevices: () => Promise.resolve([]),
    };
    Object.defineProperty(navigator, "mediaDevices", { value: mediaDevices, configurable: true });
  });

  afterEach(() => {
    Reflect.deleteProperty(navigator, "mediaDevices");
  });

  it.each([
    ["the first prompt answered first", [0, 1]],
    ["the second answered first", [1, 0]],
  ])("keeps only the newest of two overlapping opens (Allow, then Start): %s", async (_, order) => {
    const check = new DeviceCheck();
    const allow = check.open();
    const start = check.open();
    const streams = [fakeStream("a"), fakeStream("b")];
    for (const i of order) answers[i](streams[i].stream);
    await expect(Promise.all([allow, start])).resolves.toEqual([true, true]);
    expect(streams[0].track.stop).toHaveBeenCalled(); // the one nothing holds is closed, not left on
    expect(streams[1].track.stop).not.toHaveBeenCalled();
    expect(check.ready).toBe(true);
    check.release();
    expect(streams[1].track.stop).toHaveBeenCalled();
  });

  it("closes a microphone allowed only after the screen was left (another tab started the interview)", async () => {
    const check = new DeviceCheck();
    const allow = check.open();
    check.release(); // the interview entered while the permission prompt showed
    const late = fakeStream("a");
    answers[0](late.stream);
    await expect(allow).resolves.toBe(false);
    expect(late.track.stop).toHaveBeenCalled();
    expect(check.ready).toBe(false);
    expect(document.getElementById("mic-request")!.textContent).toBe("Allow the microphone");
  });
});
