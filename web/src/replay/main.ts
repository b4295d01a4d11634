// The interview replay, embedded in the server-rendered report page (#replay). It loads the page's timeline (one
// JSON endpoint, named by data-timeline-url) and shows, for any moment: the code with what changed since the
// previous snapshot, the last run, the phase, and the transcript turn (in the page's own transcript); plus a chart
// of tests passed over time and one of the time per phase. Every evidence link on the page moves it to its moment.
import "./replay.css";
import type { Chart } from "chart.js";
import { h } from "../dom";
import { describeRun, describeStep } from "./captions";
import { phaseChart, pointName, testsChart } from "./charts";
import { CodeView } from "./codeview";
import { loadingWords, PREPARING, readJson } from "./download";
import { GapTrack, gapsOf } from "./gaps";
import { countHidden, MAX_PLACEHOLDERS, substituteHidden } from "./hiddenchars";
import {
  at,
  CODE_NOT_KEPT,
  clock,
  languageLabel,
  placeOf,
  quoteLines,
  type Moment,
  ReplayModel,
  type RunEvent,
  type Timeline,
} from "./model";
import { Player, SPEEDS, type Speed } from "./player";
import { scrubTarget } from "./scrubkeys";
import { TranscriptSync } from "./transcript";

/** What the replay exposes on `window.shadowsReplay`, for people debugging a report and for the browser tests. */
export interface ReplayHandle {
  seek(t: number): void;
  time(): number;
  code(): string;
  charts: { tests: Chart<"line">; phases: Chart<"bar"> };
}

declare global {
  interface Window {
    shadowsReplay?: ReplayHandle;
  }
}

/**
 * Move the keyboard's focus to `target` without scrolling (the caller scrolled the page to it). A link that moves the
 * replay and scrolls the page there left the focus on the link: a keyboard user's next Tab went back up the page to
 * the next citation, and a screen reader said nothing of where the page had gone. Without script the same link, a
 * fragment, takes the focus to its target.
 */
function focusOn(target: HTMLElement): void {
  if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.tabIndex = -1;
  target.focus({ preventScroll: true });
}

class Replay {
  private readonly model: ReplayModel;
  private readonly player: Player;
  private readonly code: CodeView;
  private readonly transcript: TranscriptSync;
  private readonly scrubber: HTMLInputElement;
  private readonly gaps: GapTrack;
  private readonly timeText: HTMLOutputElement;
  private readonly playButton: HTMLButtonElement;
  private readonly codeHead: HTMLElement;
  private readonly runPanel: HTMLElement;
  private readonly phaseText: HTMLElement;
  readonly tests: Chart<"line">;
  readonly phases: Chart<"bar">;
  private shown: string | null = null; // what the code view shows: "<snapshot seq>" or "<seq>:<lines>"
  // The event a citation (or a step between runs) moved to, while the replay stays at its moment: what the replay
  // shows there is as of that event, not the last one recorded at the same time (`ReplayModel.momentOf`).
  private pinned: { moment: Moment; time: number } | null = null;

  constructor(
    private readonly mount: HTMLElement,
    timeline: Timeline,
    nonce: string,
  ) {
    this.model = new ReplayModel(timeline);
    this.player = new Player(this.model.duration);
    this.transcript = new TranscriptSync(document.getElementById("transcript"));

    const speed = h("select", { class: "rp-speed", "aria-label": "Playback speed" });
    for (const s of SPEEDS) speed.append(h("option", { value: s }, `${s}×`));
    speed.addEventListener("change", () => (this.player.speed = Number(speed.value) as Speed));
    // Its words say what it does ("Play", "Pause"), so it is no toggle button: a toggle's name stays and its state
    // changes, and with both a screen reader read "Pause, toggle button, pressed" while the replay played.
    this.playButton = h("button", { type: "button", class: "rp-play" }, "Play");
    this.playButton.addEventListener("click", () => this.player.toggle());
    const prev = h("button", { type: "button", class: "rp-prev" }, "◀ Previous run");
    prev.addEventListener("click", () => this.step(-1));
    const next = h("button", { type: "button", class: "rp-next" }, "Next run ▶");
    next.addEventListener("click", () => this.step(1));
    this.timeText = h("output", { class: "rp-time", "aria-live": "off" });
    this.scrubber = h("input", {
      type: "range",
      class: "rp-scrubber",
      min: 0,
      max: this.model.duration,
      // Any value: with a step (it was 0.1 s) the browser holds the range to its multiples, and the end of an
      // interview of 290.37 s was 290.3 for End, the track's far end and every value written to it, so the last
      // moment of the record, and what was recorded in it, was out of the scrubber's reach. The keys are ours.
      step: "any",
      value: 0,
      "aria-label": "Replay position",
    });
    this.scrubber.addEventListener("input", () => this.player.seek(Number(this.scrubber.value)));
    // Arrows move it 5 s and Page Up or Down a minute, not the range's 0.1-s step and a tenth of the interview.
    this.scrubber.addEventListener("keydown", (event) => {
      const target = scrubTarget(event, this.player.time, this.model.duration);
      if (target === null) return;
      event.preventDefault();
      this.player.seek(target);
    });
    // The candidate away, or no interviewer (a restart): bands on the scrubber, and steps a button moves to.
    this.gaps = new GapTrack(gapsOf(timeline.events), this.model.duration, (t) => {
      this.player.pause();
      this.player.seek(t);
    });

    this.codeHead = h("p", { class: "rp-code-head" });
    const editor = h("div", { class: "rp-editor" });
    this.runPanel = h("p", { class: "rp-run", "aria-live": "polite" });
    this.phaseText = h("span", { class: "rp-phase" });
    const testsCanvas = h("canvas", { role: "img" });
    const phasesCanvas = h("canvas", { role: "img" });

    mount.replaceChildren(
      h(
        "div",
        { class: "rp-controls", role: "group", "aria-label": "Replay controls" },
        prev,
        this.playButton,
        speed,
        next,
        this.timeText,
        this.phaseText,
      ),
      h("div", { class: "rp-scrub" }, this.gaps.bands, this.scrubber),
      h("div", { class: "rp-code" }, this.codeHead, editor),
      this.runPanel,
      this.gaps.list, // after the code: Tab from the scrubber still reaches the code first
      h(
        "div",
        { class: "rp-charts" },
        h("figure", {}, h("figcaption", {}, "Tests passed over time"), h("div", { class: "rp-chart" }, testsCanvas)),
        h("figure", {}, h("figcaption", {}, "Time in each phase"), h("div", { class: "rp-chart" }, phasesCanvas)),
      ),
    );

    this.code = new CodeView(editor, nonce);
    const points = this.model.passedSeries();
    testsCanvas.setAttribute(
      "aria-label",
      points.length
        ? `Tests passed at ${points.length} runs and submissions: ` +
            points.map((p) => `${pointName(p)}: ${p.passed}/${p.total}`).join("; ")
        : "No code was run.",
    );
    this.tests = testsChart(
      testsCanvas,
      points,
      this.model.duration,
      () => this.player.time,
      (p) => {
        // That point's run, even when another shares its moment.
        if (!this.moveTo(p.seq)) this.player.seek(p.t);
      },
    );
    const spans = this.model.phaseDurations();
    phasesCanvas.setAttribute(
      "aria-label",
      spans.length
        ? spans.map((s) => `${s.phase.replace(/_/g, " ")} ${clock(s.seconds)}`).join("; ")
        : "No phases recorded.",
    );
    this.phases = phaseChart(phasesCanvas, spans);

    this.player.onChange((t, playing) => this.render(t, playing));
  }

  async start(): Promise<void> {
    await this.code.load([...this.model.languages, this.model.timeline.session.language]);
    this.render(this.player.time, false);
    this.wireLinks();
    this.followFragment();
    window.addEventListener("hashchange", () => this.followFragment());
    this.mount.dataset.state = "ready";
  }

  /**
   * A link to one event of the page (`#ev-<seq>`, a turn's time copied and shared) opens the replay at that event:
   * the replay started at 0:00 whatever the link named, and its transcript scrolled the named turn back out of view.
   * A fragment naming no event (out of range, negative, not a number, another section) leaves the replay where it is.
   */
  private followFragment(): void {
    const found = /^#ev-(\d{1,9})$/.exec(location.hash);
    if (!found || !this.moveTo(Number(found[1]))) return;
    // A run's row is in the printed page only: the replay is where it shows.
    const target = document.getElementById(`ev-${found[1]}`);
    if (!target || target.getClientRects().length === 0)
      document.getElementById("replay-section")?.scrollIntoView({ block: "start" });
  }

  /** The run shown now: the pinned one while at its moment, else the last at or before the replay's time. */
  private shownRun(t: number): RunEvent | null {
    return this.pinnedAt(t)?.run ?? this.model.runAt(t);
  }

  private pinnedAt(t: number): Moment | null {
    if (this.pinned && this.pinned.time !== t) this.pinned = null;
    return this.pinned?.moment ?? null;
  }

  /** Move to one event's moment and show what was true as of it (by its sequence number, never by its time). */
  private moveTo(seq: number): Moment | null {
    const moment = this.model.momentOf(seq);
    if (!moment) return null;
    this.pinned = null;
    this.player.pause();
    this.pinned = { moment, time: Math.min(Math.max(0, moment.t), this.model.duration) };
    this.player.seek(moment.t);
    return moment;
  }

  private step(direction: 1 | -1): void {
    const t = this.player.time;
    const current = this.shownRun(t);
    // At a run's own moment, the next step is the run beside it, even one recorded at the same moment.
    const run =
      current && Math.abs(at(current) - t) < 1e-6
        ? this.model.runBeside(current.seq, direction)
        : direction > 0
          ? this.model.nextRun(t)
          : this.model.previousRun(t);
    if (run) this.moveTo(run.seq);
  }

  private render(t: number, playing: boolean): void {
    this.scrubber.value = String(t);
    // What a screen reader speaks for the scrubber ("0:40 / 45:00") changes once a second at most: written on every
    // frame of play (and every step of a drag), the same words were a new value to announce, dozens of times a
    // second. Written only when they change, as the run panel and the gaps' line are.
    const text = `${clock(t)} / ${clock(this.model.duration)}`;
    if (this.timeText.value !== text) this.timeText.value = text;
    if (this.scrubber.getAttribute("aria-valuetext") !== text) this.scrubber.setAttribute("aria-valuetext", text);
    const action = playing ? "Pause" : "Play";
    if (this.playButton.textContent !== action) this.playButton.textContent = action;
    const phase = this.model.phaseAt(t);
    this.phaseText.textContent = phase ? `Phase: ${phase.replace(/_/g, " ")}` : "";
    this.gaps.render(t);
    const pinned = this.pinnedAt(t);
    if (pinned) this.showCodeAt(t, null, pinned.code);
    else this.showCodeAt(t);
    const run = this.shownRun(t);
    const seq = run ? String(run.seq) : "";
    if (this.runPanel.dataset.seq !== seq) this.runPanel.classList.remove("is-cited");
    // A live region: written only when what it says changes. Written on every frame of play (and every step of the
    // scrubber), the same words were new words to a screen reader, announced again and again.
    const said = run ? describeRun(run) : "No code run yet.";
    if (this.runPanel.textContent !== said) this.runPanel.textContent = said;
    this.runPanel.dataset.seq = seq;
    this.transcript.follow(t, pinned ? (pinned.turn?.seq ?? null) : undefined);
    this.tests.draw();
  }

  private showCodeAt(
    t: number,
    lines: { from: number; to: number } | null = null,
    step: ReturnType<ReplayModel["codeAt"]> = this.model.codeAt(t),
  ): void {
    const { current, previous } = step;
    const key = current ? `${current.seq}${lines ? `:${lines.from}-${lines.to}` : ""}` : "none";
    if (key === this.shown || (lines === null && this.shown?.startsWith(`${current?.seq}:`))) return;
    this.shown = key;
    if (!current) {
      this.code.show("", null, null);
      this.codeHead.textContent = "No code yet at this moment.";
      delete this.codeHead.dataset.seq;
      return;
    }
    this.codeHead.dataset.seq = String(current.seq);
    const what = describeStep(current.event, this.model.snapshots);
    const code = current.code;
    if (code === null) {
      this.code.show("", null, null);
      this.codeHead.textContent = `${what}: ${CODE_NOT_KEPT}`;
      return;
    }
    const before = previous?.code ?? null;
    const hidden = countHidden(code) + (before === null ? 0 : countHidden(before));
    const crowded = hidden > MAX_PLACEHOLDERS;
    const language = this.model.languageOf(current);
    this.code.show(
      crowded ? substituteHidden(code) : code,
      crowded && before !== null ? substituteHidden(before) : before,
      language,
      lines,
    );
    this.codeHead.textContent =
      what +
      // Which language, once the candidate has written in more than one.
      (this.model.languages.length > 1 ? `, in ${languageLabel(language)}` : "") +
      (before !== null && previous ? `, changes since ${clock(at(previous))}` : "") +
      (crowded
        ? `; ${hidden.toLocaleString("en")} hidden characters (direction controls, zero-width spaces…), each shown as •`
        : "");
  }

  /** Move to a cited moment and show what the citation quotes. */
  private showEvidence(link: HTMLElement): void {
    this.player.pause();
    const seq = Number(link.dataset.seq);
    const quote = link.dataset.quote ?? "";
    const type = link.dataset.type;
    // Which place of the quote the grader verified, when the words occur more than once (api/report_quotes.py): where
    // it recorded it, else which of the places the quote's words occur.
    const occurrence = Math.max(0, Math.trunc(Number(link.dataset.occurrence ?? 0)) || 0);
    const where = placeOf(link.dataset.where);
    this.transcript.clear();
    // The cited event by its sequence number: the run, the snapshot or the turn it names, even when another was
    // recorded at the same moment.
    this.shown = null;
    const moment = this.moveTo(seq);
    if (moment && type === "editor_snapshot") {
      const snapshot = this.model.snapshotBySeq(seq);
      if (snapshot && quote)
        this.showCodeAt(this.player.time, quoteLines(snapshot.code, quote, occurrence, where), moment.code);
    } else if (!moment && link.dataset.t !== undefined) {
      this.player.seek(Number(link.dataset.t));
    }
    if (type === "transcript") {
      // The turn's words as stored (where the grader's `where` is), unless the timeline's budget left them out.
      const turn = this.model.turns.find((e) => e.seq === seq);
      const said = turn && turn.text_omitted !== true ? turn.text : null;
      this.transcript.highlight(seq, quote, occurrence, where, said);
    }
    this.runPanel.classList.toggle("is-cited", this.runPanel.dataset.seq === String(seq));
    document.getElementById("replay-section")?.scrollIntoView({ block: "start" });
    // The keyboard goes where the page went, to what the citation shows: the turn it quotes, the code, the run.
    if (type === "transcript") focusOn(document.querySelector(`#transcript li[data-seq="${seq}"]`) ?? this.scrubber);
    else if (type === "editor_snapshot") this.code.focus();
    else if (this.runPanel.dataset.seq === String(seq)) focusOn(this.runPanel);
    else focusOn(this.scrubber);
  }

  private wireLinks(): void {
    for (const link of document.querySelectorAll<HTMLElement>("[data-evidence]")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        this.showEvidence(link);
      });
    }
    for (const link of document.querySelectorAll<HTMLElement>("[data-jump][data-t]")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        this.transcript.clear();
        this.player.pause();
        const seq = link.dataset.seq ?? link.closest<HTMLElement>("li[data-seq]")?.dataset.seq;
        // An observation's or a turn's time: that event, even when another was recorded at the same moment.
        if (seq === undefined || !this.moveTo(Number(seq))) this.player.seek(Number(link.dataset.t));
        if (!link.closest("#transcript")) {
          document.getElementById("replay-section")?.scrollIntoView({ block: "start" });
          focusOn(this.scrubber); // the keyboard with it: "Replay position, 3:35 / 45:00"
        }
      });
    }
  }

  handle(): ReplayHandle {
    return {
      seek: (t) => this.player.seek(t),
      time: () => this.player.time,
      code: () => this.code.code,
      charts: { tests: this.tests, phases: this.phases },
    };
  }
}

async function boot(): Promise<void> {
  for (const button of document.querySelectorAll<HTMLButtonElement>("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  const mount = document.getElementById("replay");
  const url = mount?.dataset.timelineUrl;
  if (!mount || !url) return;
  let timeline: Timeline;
  try {
    const response = await fetch(url, {
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      headers: { accept: "application/json" },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const status = mount.querySelector<HTMLElement>(".replay-status");
    const say = (words: string): void => {
      if (status && status.textContent !== words) status.textContent = words;
    };
    timeline = (await readJson(response, (bytes) => say(loadingWords(bytes)))) as Timeline;
    // Building the replay from a large timeline takes a moment of its own: said, and given a turn to be drawn.
    say(PREPARING);
    await new Promise((resolve) => setTimeout(resolve, 0));
  } catch (error) {
    mount.dataset.state = "failed";
    mount.replaceChildren(
      h(
        "p",
        { class: "replay-status", role: "alert" },
        "The replay could not be loaded. Reload the page to try again; the runs, the final code and the transcript are below.",
      ),
    );
    console.error("replay: timeline", error);
    return;
  }
  const replay = new Replay(mount, timeline, mount.dataset.nonce ?? "");
  await replay.start();
  window.shadowsReplay = replay.handle();
}

void boot();
