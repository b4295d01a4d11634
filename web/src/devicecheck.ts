// The device check before the interview: microphone permission, a device picker, a live level meter ("we can
// hear you"), a speaker test tone, and what to do when the browser or the embedding page blocks the microphone.
import { byId, h } from "./dom";
import { inFrame, microphoneAllowed, MISSING_ALLOW } from "./embed";

/** Level (0..1) above which the candidate is heard, and for how many meter frames in a row. */
const HEARD_LEVEL = 0.04;
const HEARD_FRAMES = 4;

export const PERMISSION_FIXES: { browser: string; steps: string }[] = [
  { browser: "Chrome or Edge", steps: "click the icon left of the address, set Microphone to Allow, then reload." },
  { browser: "Firefox", steps: "click the microphone icon in the address bar, remove the block, then reload." },
  { browser: "Safari", steps: "Safari > Settings for This Website > Microphone: Allow, then reload." },
  {
    browser: "Your computer",
    steps: "check that the browser may use the microphone in the system's privacy settings.",
  },
];

/** `stopped`: the microphone was open and its track ended (unplugged, or taken by another application). */
export type MicProblem = "blocked_by_embed" | "denied" | "no_device" | "in_use" | "unsupported" | "stopped";

export function problemFor(error: unknown, framed: boolean, policyAllows: boolean | null): MicProblem {
  if (framed && policyAllows === false) return "blocked_by_embed";
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError")
    return framed && policyAllows !== true ? "blocked_by_embed" : "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "no_device";
  if (name === "NotReadableError" || name === "AbortError") return "in_use";
  return "unsupported";
}

const PROBLEM_TEXT: Record<MicProblem, string> = {
  blocked_by_embed: MISSING_ALLOW,
  denied: "The browser blocked the microphone. To allow it:",
  no_device: "No microphone was found. Connect one (or a headset), then press Allow the microphone again.",
  in_use: "The microphone is busy in another application. Close it, then press Allow the microphone again.",
  unsupported: "This browser cannot use a microphone here. Try a current Chrome, Edge, Firefox or Safari.",
  stopped:
    "The microphone stopped (unplugged, or taken by another application). Connect one or choose another, " +
    "then press Allow the microphone again.",
};

export class DeviceCheck {
  private stream: MediaStream | null = null;
  private audio: AudioContext | null = null;
  private frame = 0;
  private loudFrames = 0;
  /** Moved on by every `open` and `release`: an open whose microphone arrives after either is not the current one. */
  private generation = 0;
  /** The newest open, while it is the current one: what an open it superseded answers for it. */
  private latest: Promise<boolean> | null = null;
  heard = false;

  constructor(private readonly onHeard: () => void = () => undefined) {}

  /** The microphone is open (allowed, present, not taken): a voice interview can hear the candidate. */
  get ready(): boolean {
    return this.stream?.getAudioTracks().some((t) => t.readyState === "live") ?? false;
  }

  get deviceId(): string | undefined {
    const select = byId<HTMLSelectElement>("mic-select");
    if (select.disabled) return undefined; // "Not allowed yet": no device listed, the browser's default
    const value = select.value;
    return value && value !== "default" ? value : undefined;
  }

  bind(): void {
    byId("mic-request").addEventListener("click", () => void this.open());
    byId("mic-select").addEventListener("change", () => void this.open(this.deviceId));
    byId("speaker-test").addEventListener("click", () => void this.playTone());
    const policy = microphoneAllowed();
    if (inFrame() && policy === false) this.showProblem("blocked_by_embed");
    // A microphone plugged in or out while the check shows: the list follows (the open one stays selected).
    navigator.mediaDevices?.addEventListener?.("devicechange", () => {
      if (this.stream) void this.listDevices(this.stream.getAudioTracks()[0]?.getSettings().deviceId);
    });
  }

  /** Ask for the microphone (a click is the user gesture), list the devices and start the meter. One microphone at
   * a time: opens can overlap (Allow pressed twice, or pressed and then Start, while the browser's permission prompt
   * shows; a device chosen meanwhile), and only the newest keeps what it opened; an older one closes its stream and
   * answers as the newest does. One whose microphone arrives after `release` (the screen left: another tab started
   * the interview, the link stopped working) closes it and answers false. Before, each kept its stream: the one
   * the page no longer held stayed open (the browser's microphone light on through the interview and after it), and
   * its meter ran on. */
  open(deviceId?: string): Promise<boolean> {
    this.release();
    const generation = this.generation;
    const attempt = this.attempt(generation, deviceId);
    this.latest = attempt;
    return attempt;
  }

  /** What an open superseded (by a newer open, or by `release`) answers: the newest open's outcome, or false. */
  private superseded(): Promise<boolean> {
    return this.latest ?? Promise.resolve(false);
  }

  private async attempt(generation: number, deviceId?: string): Promise<boolean> {
    const framed = inFrame();
    const policy = microphoneAllowed();
    if (framed && policy === false) {
      this.showProblem("blocked_by_embed");
      return false;
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      this.showProblem("unsupported");
      return false;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: deviceId ? { deviceId: { exact: deviceId } } : true,
      });
    } catch (error) {
      if (generation !== this.generation) return this.superseded(); // the newest open says what is wrong
      this.showProblem(problemFor(error, framed, policy));
      return false;
    }
    if (generation !== this.generation) {
      for (const track of stream.getTracks()) track.stop();
      return this.superseded();
    }
    this.stream = stream;
    byId("mic-fix").hidden = true;
    byId("mic-request").textContent = "Microphone allowed";
    for (const track of stream.getAudioTracks()) track.addEventListener("ended", () => this.stopped(stream));
    await this.listDevices(stream.getAudioTracks()[0]?.getSettings().deviceId);
    // Released or opened again while the list was read: that `release` closed this stream; no meter for it.
    if (generation !== this.generation) return this.superseded();
    this.meter(stream);
    return true;
  }

  /** The open microphone's track ended by itself (unplugged, taken by another application; never our own
   * `release`, which fires no `ended`). Before, the screen went on saying "We can hear you." over a meter that had
   * stopped, and the list still offered the device that had gone, which a start then asked for by its id. */
  private stopped(stream: MediaStream): void {
    if (this.stream !== stream) return; // another device was opened since
    this.release();
    this.heard = false;
    this.loudFrames = 0;
    byId<HTMLMeterElement>("mic-meter").value = 0;
    byId("mic-request").textContent = "Allow the microphone";
    this.showProblem("stopped");
    void this.listDevices().catch(() => undefined);
  }

  private async listDevices(current?: string): Promise<void> {
    const select = byId<HTMLSelectElement>("mic-select");
    const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audioinput");
    select.replaceChildren(
      ...devices.map((d, i) =>
        h("option", { value: d.deviceId, selected: d.deviceId === current }, d.label || `Microphone ${i + 1}`),
      ),
    );
    select.disabled = devices.length === 0;
  }

  private meter(stream: MediaStream): void {
    const Ctx = window.AudioContext;
    if (!Ctx) return;
    this.audio = new Ctx();
    void this.audio.resume().catch(() => undefined);
    const analyser = this.audio.createAnalyser();
    analyser.fftSize = 512;
    this.audio.createMediaStreamSource(stream).connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    const meterEl = byId<HTMLMeterElement>("mic-meter");
    const tick = () => {
      analyser.getFloatTimeDomainData(data);
      let sum = 0;
      for (const v of data) sum += v * v;
      const level = Math.min(1, Math.sqrt(sum / data.length) * 4);
      meterEl.value = level;
      this.loudFrames = level > HEARD_LEVEL ? this.loudFrames + 1 : 0;
      if (!this.heard && this.loudFrames >= HEARD_FRAMES) {
        this.heard = true;
        byId("mic-heard").textContent = "We can hear you.";
        this.onHeard();
      }
      this.frame = window.requestAnimationFrame(tick);
    };
    byId("mic-heard").textContent = "Say something: the bar moves when we hear you.";
    tick();
  }

  /** A short, quiet 440 Hz tone: if the candidate hears it, the interviewer's voice will play too. */
  async playTone(): Promise<void> {
    const Ctx = window.AudioContext;
    const status = byId("speaker-status");
    if (!Ctx) {
      status.textContent = "This browser cannot play a test sound.";
      return;
    }
    const ctx = new Ctx();
    try {
      await ctx.resume();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      gain.gain.value = 0.08;
      osc.frequency.value = 440;
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.8);
      status.textContent = "Playing a tone. If you heard it, your speakers work.";
      await new Promise((resolve) => (osc.onended = resolve));
    } catch {
      status.textContent = "The test sound could not play. Check the volume and the output device.";
    } finally {
      void ctx.close();
    }
  }

  private showProblem(problem: MicProblem): void {
    const fix = byId("mic-fix");
    fix.hidden = false;
    fix.dataset.problem = problem;
    const parts: (HTMLElement | string)[] = [h("p", {}, PROBLEM_TEXT[problem])];
    if (problem === "denied") {
      parts.push(h("ul", {}, ...PERMISSION_FIXES.map((f) => h("li", {}, h("strong", {}, `${f.browser}: `), f.steps))));
    }
    if (problem === "blocked_by_embed") {
      parts.push(
        h(
          "p",
          {},
          h(
            "a",
            { id: "open-own-tab", href: "/join", target: "_blank", rel: "noopener" },
            "Open the interview in its own tab",
          ),
        ),
      );
    }
    fix.replaceChildren(...parts);
    byId("mic-heard").textContent = "";
  }

  /** Stop the meter and free the microphone (the call opens its own track). */
  release(): void {
    this.generation += 1;
    this.latest = null;
    if (this.frame) window.cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    void this.audio?.close().catch(() => undefined);
    this.audio = null;
  }
}
