// The call panel: connection status with Start/Retry, microphone and audio controls, agent state, live captions.
import type { CallController, CallListener, CallStatus, ChatOutcome, TranscriptSegment } from "./call";
import { announce } from "./announce";
import { loadChatDraft, saveChatDraft } from "./chatdraft";
import { byId, h } from "./dom";
import { CHAT_MAX_CHARS, refuseOverlong } from "./fieldbound";
import { phaseName } from "./feed";
import type { InterviewEvent } from "./protocol";

const CHAT_PROBLEM: Record<ChatOutcome, string> = {
  sent: "",
  empty: "",
  no_interviewer:
    "Your message was not sent: the interviewer is not in the call right now. It is kept here; send it again once they are.",
  failed: "Your message was not sent (the connection failed). It is kept here; try again.",
};

const STATUS_TEXT: Record<CallStatus, string> = {
  idle: "Not connected. Your interviewer joins when you start the call.",
  connecting: "Connecting to the voice call…",
  connected: "Connected.",
  reconnecting: "Connection lost, reconnecting…",
  failed: "Voice connection failed.",
  ended: "The call has ended.",
};

const AGENT_SHORT: Record<string, string> = {
  absent: "Interviewer not here",
  initializing: "Interviewer joining",
  idle: "Interviewer ready",
  listening: "Listening",
  thinking: "Thinking",
  speaking: "Speaking",
};

const AGENT_TEXT: Record<string, string> = {
  absent: "Waiting for the interviewer to join…",
  initializing: "The interviewer is getting ready…",
  idle: "The interviewer is ready.",
  listening: "The interviewer is listening.",
  thinking: "The interviewer is thinking…",
  speaking: "The interviewer is speaking.",
};

export class CallPanel implements CallListener {
  private controller: CallController | null = null;
  private readonly status_ = byId("call-status");
  private readonly detail = byId("call-detail");
  private readonly startButton = byId<HTMLButtonElement>("call-start");
  private readonly muteButton = byId<HTMLButtonElement>("call-mute");
  private readonly topMute = byId<HTMLButtonElement>("topbar-mute");
  private readonly indicator = byId("agent-indicator");
  private readonly audioButton = byId<HTMLButtonElement>("call-audio");
  private readonly agent = byId("agent-state");
  private readonly phaseEl = byId("interview-phase");
  private readonly captions = byId("captions");
  private readonly captionLines = new Map<string, HTMLElement>();
  private muted = false;
  private over = false;
  private chatOpen = false; // a call connected since it last ended (see status)
  private forgetDraft = (): void => undefined; // set by bind
  private lastStatus: CallStatus = "idle";
  private lastAgent = "";

  constructor(
    private readonly hooks: {
      onEvent(event: InterviewEvent): void;
      /** The interviewer is in the room (the session has started by then). */
      onAgentPresent(): void;
      onStatus(status: CallStatus): void;
      onAgentState?(state: string): void;
    },
  ) {}

  /** `load` gives the controller; livekit-client is a separate chunk, loaded when the call is first needed.
   * `sessionId`: the interview whose unsent message is kept across a reload of this tab (web/src/chatdraft.ts). */
  bind(load: () => Promise<CallController>, sessionId?: string): void {
    this.startButton.addEventListener("click", () => {
      this.status("connecting");
      load().then(
        (controller) => {
          this.controller = controller;
          return controller.start();
        },
        () => this.status("failed", "The call could not be loaded."),
      );
    });
    const chat = byId<HTMLFormElement>("chat-form");
    const input = byId<HTMLTextAreaElement>("chat-input");
    const problem = byId("chat-status");
    // A multi-line field (a pasted function keeps its lines), bounded by what the agent keeps of one message whole;
    // a paste over it is refused with a word rather than cut by the browser without one.
    refuseOverlong(input, CHAT_MAX_CHARS, (message) => {
      problem.textContent = message;
      announce(message);
    });
    const keep = () => {
      if (sessionId !== undefined) saveChatDraft(sessionId, input.value);
    };
    // Once the interview is over the message has nobody to go to: the field and what is kept for a reload are
    // emptied (a reload would otherwise bring back a message to an interview that has ended). A mere drop keeps both.
    this.forgetDraft = () => {
      input.value = "";
      keep();
    };
    if (this.over) this.forgetDraft();
    else if (sessionId !== undefined && !input.value) input.value = loadChatDraft(sessionId);
    input.addEventListener("input", keep);
    input.addEventListener("keydown", (e) => {
      // Enter sends, as it did in the single-line field; Shift+Enter is a new line, and Enter ending an IME
      // composition only commits the composed text.
      if (e.key !== "Enter" || e.shiftKey || e.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      chat.requestSubmit();
    });
    // One message at a time: Enter pressed again while one is on its way sends nothing (it would go twice).
    let sending = false;
    chat.addEventListener("submit", (e) => {
      e.preventDefault();
      if (sending) return;
      sending = true;
      const text = input.value;
      const sent = (this.controller?.sendChat(text) ?? Promise.resolve<ChatOutcome>("failed")).catch(
        (): ChatOutcome => "failed", // never left "sending" for good
      );
      void sent.then((outcome) => {
        sending = false;
        // A message that did not go stays in the field, and the candidate is told (and hears) why.
        problem.textContent = CHAT_PROBLEM[outcome];
        if (problem.textContent) announce(problem.textContent);
        if (outcome !== "sent") return;
        // Only what was sent leaves the field: anything typed while it was on its way stays, to send next.
        input.value = input.value.startsWith(text) ? input.value.slice(text.length).trimStart() : input.value;
        keep();
        this.transcript({ id: `typed-${Date.now()}`, speaker: "you", text, final: true });
      });
    });
    this.muteButton.addEventListener("click", () => void this.controller?.setMuted(!this.muted));
    this.topMute.addEventListener("click", () => void this.controller?.setMuted(!this.muted));
    this.audioButton.addEventListener("click", () => void this.controller?.resumeAudio());
    this.status("idle");
  }

  status(status: CallStatus, detail?: string): void {
    this.hooks.onStatus(status);
    const panel = byId("call-panel");
    panel.dataset.status = status;
    this.status_.textContent = STATUS_TEXT[status];
    this.detail.textContent =
      status === "failed"
        ? `${detail ?? "We could not reach the voice server."} You can keep reading, editing and running your code; press Retry to try the call again.`
        : (detail ?? "");
    const canStart = status === "idle" || status === "failed" || status === "ended";
    this.startButton.hidden = !canStart || this.over;
    this.startButton.textContent =
      status === "idle" ? "Start the call" : status === "failed" ? "Retry" : "Rejoin the call";
    this.startButton.disabled = !canStart;
    this.muteButton.hidden = status !== "connected";
    this.topMute.hidden = status !== "connected";
    if (status !== "connected" && status !== "reconnecting") this.indicate("absent");
    // Typing shows from a connection until the call ends (left to go on without voice, or closed) or the interview
    // is over, through a drop and its rejoins: a candidate typing as the call drops keeps the field, the text and the
    // focus in it, and a Send meanwhile is refused with the message kept. Hidden whenever the call was not up, the
    // field took both away mid-word.
    if (status === "connected") this.chatOpen = true;
    if (status === "ended" || status === "idle") this.chatOpen = false;
    this.showChat();
    if (status !== "connected") this.audioButton.hidden = true;
    if (status !== "connected" && status !== "reconnecting") this.agent.textContent = "";
    if (status !== this.lastStatus || detail) announce(`${STATUS_TEXT[status]} ${this.detail.textContent}`.trim());
    this.lastStatus = status;
    if (status !== "connected") this.lastAgent = "";
  }

  private showChat(): void {
    byId("chat-form").hidden = !this.chatOpen || this.over;
  }

  agentState(state: string): void {
    if (this.controller?.status !== "connected") return;
    if (state !== "absent") this.hooks.onAgentPresent();
    this.hooks.onAgentState?.(state);
    this.agent.dataset.state = state;
    this.agent.textContent = AGENT_TEXT[state] ?? `Interviewer: ${state}`;
    if (state !== this.lastAgent) announce(this.agent.textContent);
    this.lastAgent = state;
    this.indicate(state);
  }

  private indicate(state: string): void {
    this.indicator.dataset.state = state;
    byId("agent-indicator-text").textContent = AGENT_SHORT[state] ?? state;
  }

  /** A line under the call status (the agent watch's messages). */
  say(detail: string): void {
    this.detail.textContent = detail;
    announce(detail);
  }

  phase(phase: string | null): void {
    this.phaseEl.textContent = phase ? phaseName(phase) : "";
    this.phaseEl.hidden = !phase;
    if (phase) this.phaseEl.dataset.phase = phase;
  }

  event(event: InterviewEvent): void {
    if (event.type === "ended") {
      this.over = true; // no Rejoin after the interview is over, nor anyone to type to
      this.startButton.hidden = true;
      this.showChat();
      this.forgetDraft();
    }
    this.hooks.onEvent(event);
  }

  /** The interview is over (ended elsewhere): no Start or Rejoin any more, nor "start the call at any time". Not
   * read out: the page's banner says why. */
  close(): void {
    this.over = true;
    this.startButton.hidden = true;
    this.showChat();
    this.forgetDraft();
    this.status_.textContent = "The interview has ended: there is no call any more.";
    this.detail.textContent = "";
  }

  transcript(segment: TranscriptSegment): void {
    let line = this.captionLines.get(segment.id);
    if (!line) {
      line = h("p", { class: `caption caption-${segment.speaker}` });
      this.captionLines.set(segment.id, line);
      this.captions.appendChild(line);
      while (this.captions.children.length > 60) {
        const first = this.captions.firstElementChild as HTMLElement;
        for (const [id, el] of this.captionLines) if (el === first) this.captionLines.delete(id);
        first.remove();
      }
    }
    line.replaceChildren(
      h("span", { class: "speaker" }, segment.speaker === "you" ? "You" : "Interviewer"),
      " ",
      segment.text,
    );
    line.classList.toggle("interim", !segment.final);
    this.captions.scrollTop = this.captions.scrollHeight;
  }

  audioBlocked(blocked: boolean): void {
    this.audioButton.hidden = !blocked;
  }

  microphone(enabled: boolean, problem?: string): void {
    this.muted = !enabled;
    this.muteButton.textContent = enabled ? "Mute microphone" : "Unmute microphone";
    this.muteButton.setAttribute("aria-pressed", String(!enabled));
    this.topMute.textContent = enabled ? "Mute" : "Muted";
    this.topMute.setAttribute("aria-pressed", String(!enabled));
    this.topMute.classList.toggle("muted-on", !enabled);
    byId("mic-problem").textContent = problem ?? "";
    if (problem) announce(problem);
  }
}
