// The voice call: one LiveKit room per attempt, the microphone, the agent's audio, and the agent protocol wiring.
import {
  DisconnectReason,
  type Participant,
  type RemoteParticipant,
  type RemoteTrack,
  Room,
  RoomEvent,
  RpcError,
  type RpcInvocationData,
  Track,
  type TextStreamReader,
} from "livekit-client";
import { ApiError } from "./api";
import type { EditorSnapshot } from "./editor";
import { callRefused } from "./messages";
import {
  ATTR_AGENT_STATE,
  ATTR_EDITOR_READY,
  ATTR_PHASE,
  editorGetReply,
  type InterviewEvent,
  parseInterviewEvent,
  RPC_EDITOR_GET,
  RPC_INTERVIEW_END,
  snapshotAttributes,
  snapshotText,
  TOPIC_CHAT,
  TOPIC_EDITOR_PASTE,
  TOPIC_EDITOR_SNAPSHOT,
  TOPIC_INTERVIEW_EVENT,
  TOPIC_TRANSCRIPTION,
} from "./protocol";
import { SnapshotScheduler, type Timers } from "./snapshots";

export const MICROPHONE_STOPPED =
  "Your microphone stopped (unplugged, or taken by another app), so the interviewer cannot hear you. Connect one, " +
  "then press Unmute microphone.";

export type CallStatus = "idle" | "connecting" | "connected" | "reconnecting" | "failed" | "ended";

export interface TranscriptSegment {
  id: string;
  speaker: "interviewer" | "you";
  text: string;
  final: boolean;
}

/** What the call tells the page. Every callback is optional to implement meaningfully but always called. */
export interface CallListener {
  status(status: CallStatus, detail?: string): void;
  /** The agent's `lk.agent.state`, "absent" when no agent is in the room. */
  agentState(state: string): void;
  phase(phase: string | null): void;
  event(event: InterviewEvent): void;
  transcript(segment: TranscriptSegment): void;
  audioBlocked(blocked: boolean): void;
  microphone(enabled: boolean, problem?: string): void;
}

export interface Credentials {
  serverUrl: string;
  token: string;
}

export interface EditorSource {
  snapshot(): EditorSnapshot;
}

/** What became of a typed message: sent to the interviewer, no interviewer in the call, not sent, or nothing typed. */
export type ChatOutcome = "sent" | "no_interviewer" | "failed" | "empty";

/** Who was asked to end the interview: the agent's RPC, a typed message, or nobody. */
export type EndRequest = "agent" | "chat" | "unreachable";

/** Whether an `interview.end` reply says the agent took the request (`{"ok": true, ...}`; docs/protocol.md). */
export function endAccepted(reply: string): boolean {
  try {
    const value: unknown = JSON.parse(reply);
    return Boolean(value && typeof value === "object" && (value as { ok?: unknown }).ok === true);
  } catch {
    return false;
  }
}

/** Why the call left this tab when the same interview joined it from another tab, window or device. */
export const DUPLICATE_TEXT =
  "This interview was opened in another tab or window, and the call moved there. Use one of them and close the other.";

/** Automatic rejoins after a dropped connection, and how long to wait before each. */
export const REJOIN_DELAYS_MS = [1500, 4000, 10_000];

export class CallController {
  private room: Room | null = null;
  private statusValue: CallStatus = "idle";
  private leaving = false;
  /** The candidate muted by hand: the track's mute that follows is theirs, not a device that stopped. */
  private mutedByHand = false;
  private attempts = 0;
  private rejoins = 0;
  private rejoinTimer: ReturnType<typeof setTimeout> | null = null;
  /** The microphone the candidate picked in the device check (undefined: the browser's default). */
  microphoneDeviceId: string | undefined;
  private interviewEnded = false;
  private sentVersion = 0;
  private readonly audioElements = new Set<HTMLMediaElement>();
  readonly scheduler: SnapshotScheduler;

  constructor(
    private readonly credentials: (attempt: number) => Promise<Credentials>,
    private readonly editor: EditorSource,
    private readonly listener: CallListener,
    private readonly audioParent: Pick<HTMLElement, "appendChild">,
    private readonly makeRoom: () => Room = () =>
      new Room({ adaptiveStream: false, dynacast: false, disconnectOnPageLeave: true }),
    timers?: Timers,
  ) {
    this.scheduler = new SnapshotScheduler(() => void this.pushSnapshot(), 500, 2000, timers);
  }

  get status(): CallStatus {
    return this.statusValue;
  }

  private setStatus(status: CallStatus, detail?: string): void {
    this.statusValue = status;
    this.listener.status(status, detail);
  }

  /** Call from a click: it is the user gesture that lets the page play the interviewer's audio. */
  async start(): Promise<void> {
    if (this.statusValue === "connecting" || this.statusValue === "connected" || this.statusValue === "reconnecting")
      return;
    await this.teardown();
    this.leaving = false;
    const attempt = this.attempts++;
    const room = this.createRoom();
    this.room = room;
    void room.startAudio().catch(() => undefined); // inside the click's activation window; blocked audio is reported
    this.setStatus("connecting");
    let creds: Credentials;
    try {
      creds = await this.credentials(attempt);
      await room.connect(creds.serverUrl, creds.token, {
        autoSubscribe: true,
        maxRetries: 1,
        websocketTimeout: 10_000,
      });
    } catch (error) {
      if (this.room !== room) return; // superseded by a newer attempt
      await this.teardown();
      this.setStatus("failed", describeFailure(error));
      return;
    }
    if (this.room !== room) return;
    this.rejoins = 0;
    this.setStatus("connected");
    this.refreshAgent();
    void this.pushSnapshot(true);
    // The interviewer trusts only this attribute as "an editor is here" (the Agents Playground or a phone has none;
    // docs/protocol.md). Agent work package: keep these lines when reworking the call (the page package owns web/).
    void room.localParticipant.setAttributes({ [ATTR_EDITOR_READY]: "true" }).catch(() => undefined);
    await this.enableMicrophone();
  }

  /** Whether an agent participant is in the room now. */
  get agentPresent(): boolean {
    return this.agent() !== undefined;
  }

  /**
   * Ask the interviewer to end the interview: the agent's `interview.end` RPC (it says goodbye, then sends `ended`),
   * otherwise a typed message on `lk.chat` saying so (the agent takes it as the candidate's turn). Says which one
   * reached the interviewer, or "unreachable" when neither did (no call, no agent, both failed).
   */
  async requestEnd(): Promise<EndRequest> {
    const room = this.room;
    const agent = this.agent();
    if (!room || this.statusValue !== "connected" || !agent) return "unreachable";
    // The interviewer completes the session with the code it last saw: the newest, not the one from before the
    // snapshot's quiet time (the last fix typed just before End interview).
    this.scheduler.cancel();
    await this.pushSnapshot();
    try {
      const reply = await room.localParticipant.performRpc({
        destinationIdentity: agent.identity,
        method: RPC_INTERVIEW_END,
        payload: JSON.stringify({ reason: "candidate_request" }),
        responseTimeout: 8000,
      });
      if (endAccepted(reply)) return "agent";
      console.warn("interview.end answered without ok");
    } catch (error) {
      if (!(error instanceof RpcError) || error.code !== RpcError.ErrorCode.UNSUPPORTED_METHOD) {
        console.warn("interview.end not answered:", (error as Error).name);
      }
    }
    return (await this.sendChat("I would like to end the interview now. Thank you.")) === "sent"
      ? "chat"
      : "unreachable";
  }

  async enableMicrophone(): Promise<void> {
    const room = this.room;
    if (!room || this.statusValue !== "connected") return;
    try {
      await room.localParticipant.setMicrophoneEnabled(true, {
        echoCancellation: true,
        noiseSuppression: true,
        ...(this.microphoneDeviceId ? { deviceId: this.microphoneDeviceId } : {}),
      });
      this.listener.microphone(true);
    } catch (error) {
      const denied =
        error instanceof DOMException && (error.name === "NotAllowedError" || error.name === "SecurityError");
      this.listener.microphone(
        false,
        denied
          ? "Microphone access was blocked. Allow it in the browser's site settings, then try again."
          : "No microphone could be opened. Check that one is connected, then try again.",
      );
    }
  }

  async setMuted(muted: boolean): Promise<void> {
    const room = this.room;
    if (!room || this.statusValue !== "connected") return;
    this.mutedByHand = muted;
    if (!muted) return this.enableMicrophone();
    await room.localParticipant.setMicrophoneEnabled(false);
    this.listener.microphone(false);
  }

  async resumeAudio(): Promise<void> {
    await this.room?.startAudio();
    this.listener.audioBlocked(!(this.room?.canPlaybackAudio ?? true));
  }

  async leave(): Promise<void> {
    this.leaving = true;
    this.cancelRejoin();
    await this.teardown();
    this.setStatus("ended");
  }

  /** The editor changed: schedule a snapshot (only sent while connected). */
  editorChanged(): void {
    if (this.statusValue === "connected") this.scheduler.changed();
  }

  /** Send the current editor on `editor.snapshot`; `force` sends even when this version was already sent. */
  async pushSnapshot(force = false, snapshot: EditorSnapshot = this.editor.snapshot()): Promise<void> {
    const room = this.room;
    if (!room || this.statusValue !== "connected") return;
    if (!force && snapshot.version <= this.sentVersion) return;
    try {
      // Addressed to the agent when the room marks one (an observer never gets the code); otherwise to the room.
      const agents = [...room.remoteParticipants.values()].filter((p) => p.isAgent).map((p) => p.identity);
      // At most what the agent keeps of a snapshot (a huge paste is not streamed whole; protocol.ts).
      await room.localParticipant.sendText(snapshotText(snapshot.code), {
        topic: TOPIC_EDITOR_SNAPSHOT,
        attributes: snapshotAttributes(snapshot),
        ...(agents.length ? { destinationIdentities: agents } : {}),
      });
      this.sentVersion = Math.max(this.sentVersion, snapshot.version);
    } catch (error) {
      console.warn("editor.snapshot not sent:", (error as Error).name); // the next change or editor.get retries
    }
  }

  /**
   * Tell the interviewer that something was pasted into the editor: its size only, never the text (the agent may
   * ask about a large paste, once; docs/protocol.md `editor.paste`). Only to the agent; dropped when not connected.
   */
  async reportPaste(chars: number, lines: number): Promise<void> {
    const room = this.room;
    const agent = this.agent();
    if (!room || this.statusValue !== "connected" || !agent || chars <= 0) return;
    try {
      // The body is a constant: the agent reads the attributes only.
      await room.localParticipant.sendText("paste", {
        topic: TOPIC_EDITOR_PASTE,
        attributes: { chars: String(Math.floor(chars)), lines: String(Math.floor(lines)) },
        destinationIdentities: [agent.identity],
      });
    } catch (error) {
      console.warn("editor.paste not sent:", (error as Error).name); // the API's integrity log still has it
    }
  }

  /** A typed message to the interviewer (LiveKit's `lk.chat`: the agent takes it as a spoken turn), to it alone (an
   * observer never gets it). Says whether it went: into a room without an interviewer it would be read by nobody. */
  async sendChat(text: string): Promise<ChatOutcome> {
    const room = this.room;
    if (!text.trim()) return "empty";
    if (!room || this.statusValue !== "connected") return "failed";
    const agent = this.agent();
    if (!agent) return "no_interviewer";
    try {
      await room.localParticipant.sendText(text.trim(), { topic: TOPIC_CHAT, destinationIdentities: [agent.identity] });
      return "sent";
    } catch {
      return "failed";
    }
  }

  private async answerEditorGet(_data: RpcInvocationData): Promise<string> {
    const snapshot = this.editor.snapshot();
    const { payload, mustPush } = editorGetReply(snapshot);
    if (mustPush) await this.pushSnapshot(true, snapshot);
    return payload;
  }

  private createRoom(): Room {
    const room = this.makeRoom();
    room.registerTextStreamHandler(
      TOPIC_INTERVIEW_EVENT,
      (reader, from) => void this.readEvent(room, reader, from.identity),
    );
    room.registerTextStreamHandler(
      TOPIC_TRANSCRIPTION,
      (reader, from) => void this.readTranscript(room, reader, from.identity),
    );
    room.registerRpcMethod(RPC_EDITOR_GET, (data) => this.answerEditorGet(data));
    room
      .on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => this.attachAudio(track))
      .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => this.detachAudio(track))
      .on(RoomEvent.AudioPlaybackStatusChanged, () => this.listener.audioBlocked(!room.canPlaybackAudio))
      // A microphone unplugged (or taken by another app) mid-call: livekit-client restarts the track on another
      // device, or mutes it when there is none. Silence the candidate does not know of would read as not answering.
      .on(RoomEvent.TrackMuted, (publication: { source?: Track.Source }, participant: Participant) => {
        if (participant !== room.localParticipant || publication.source !== Track.Source.Microphone) return;
        if (this.mutedByHand) return;
        this.listener.microphone(false, MICROPHONE_STOPPED);
      })
      .on(RoomEvent.TrackUnmuted, (publication: { source?: Track.Source }, participant: Participant) => {
        if (participant !== room.localParticipant || publication.source !== Track.Source.Microphone) return;
        if (!this.mutedByHand) this.listener.microphone(true);
      })
      .on(RoomEvent.ParticipantConnected, (p: RemoteParticipant) => {
        this.refreshAgent();
        if (p.isAgent) void this.pushSnapshot(true); // the agent starts with the current code, not the starter
      })
      .on(RoomEvent.ParticipantDisconnected, (p: RemoteParticipant) => {
        this.refreshAgent();
        // The interviewer said goodbye (`ended`) and left: hang up rather than sit in an empty room.
        if (p.isAgent && this.interviewEnded && !this.agent()) void this.leave();
      })
      .on(RoomEvent.ParticipantAttributesChanged, (_changed: Record<string, string>, p: Participant) => {
        if (p !== room.localParticipant) this.refreshAgent();
      })
      .on(RoomEvent.Reconnecting, () => this.room === room && this.setStatus("reconnecting"))
      .on(RoomEvent.Reconnected, () => {
        if (this.room !== room) return;
        this.setStatus("connected");
        void this.pushSnapshot(true);
      })
      .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
        // A failed connect() reports itself (start's catch); only a call that was up is dropped.
        const wasUp = this.statusValue === "connected" || this.statusValue === "reconnecting";
        if (this.room !== room || this.leaving || !wasUp) return;
        this.scheduler.cancel();
        this.listener.agentState("absent");
        if (reason === DisconnectReason.ROOM_DELETED || reason === DisconnectReason.PARTICIPANT_REMOVED) {
          this.setStatus("ended", "The interview call has ended.");
        } else if (reason === DisconnectReason.DUPLICATE_IDENTITY) {
          // The same invite joined from another tab or device, which took this one's place. Rejoining by itself
          // would push that one out, which would rejoin in turn, without end: the candidate chooses with Retry.
          this.setStatus("failed", DUPLICATE_TEXT);
        } else if (this.interviewEnded || this.rejoins >= REJOIN_DELAYS_MS.length) {
          this.setStatus("failed", "The voice connection dropped.");
        } else {
          this.scheduleRejoin();
        }
      });
    return room;
  }

  /** A dropped call rejoins by itself a few times (with a fresh token) before the candidate is asked to retry. */
  private scheduleRejoin(): void {
    const delay = REJOIN_DELAYS_MS[this.rejoins] ?? 10_000;
    this.rejoins += 1;
    this.setStatus("reconnecting", "The connection dropped; rejoining the call…");
    this.cancelRejoin();
    this.rejoinTimer = globalThis.setTimeout(() => {
      this.rejoinTimer = null;
      const rejoins = this.rejoins;
      this.statusValue = "failed"; // lets start() run; it reports connecting/connected/failed itself
      void this.start().then(() => {
        if (this.statusValue === "failed" && rejoins < REJOIN_DELAYS_MS.length && !this.leaving) this.scheduleRejoin();
      });
    }, delay);
  }

  private cancelRejoin(): void {
    if (this.rejoinTimer !== null) globalThis.clearTimeout(this.rejoinTimer);
    this.rejoinTimer = null;
  }

  private agent(): RemoteParticipant | undefined {
    return [...(this.room?.remoteParticipants.values() ?? [])].find((p) => p.isAgent);
  }

  private refreshAgent(): void {
    const agent = this.agent();
    this.listener.agentState(agent ? (agent.attributes[ATTR_AGENT_STATE] ?? "initializing") : "absent");
    this.listener.phase(agent?.attributes[ATTR_PHASE] ?? null);
  }

  private async readEvent(room: Room, reader: TextStreamReader, identity: string): Promise<void> {
    // Only the interviewer speaks for the interview (a hint shown, the end); anyone else in the room is ignored.
    if (!room.remoteParticipants.get(identity)?.isAgent) {
      console.warn("interview.event ignored: not from the interviewer");
      return;
    }
    try {
      const event = parseInterviewEvent(await reader.readAll());
      if (event?.type === "ended") this.interviewEnded = true;
      if (event) this.listener.event(event);
    } catch (error) {
      console.warn("interview.event not read:", (error as Error).name);
    }
  }

  private async readTranscript(room: Room, reader: TextStreamReader, identity: string): Promise<void> {
    const attrs = reader.info.attributes ?? {};
    const mine =
      identity === room.localParticipant.identity ||
      [...room.localParticipant.audioTrackPublications.values()].some(
        (p) => p.trackSid === attrs["lk.transcribed_track_id"],
      );
    const segment: TranscriptSegment = {
      id: attrs["lk.segment_id"] ?? reader.info.id,
      speaker: mine ? "you" : "interviewer",
      text: "",
      final: false,
    };
    try {
      for await (const delta of reader) {
        segment.text += delta;
        this.listener.transcript({ ...segment });
      }
    } catch (error) {
      console.warn("transcription stream ended early:", (error as Error).name);
    }
    this.listener.transcript({ ...segment, final: attrs["lk.transcription_final"] !== "false" });
  }

  private attachAudio(track: RemoteTrack): void {
    if (track.kind !== Track.Kind.Audio) return;
    const element = track.attach();
    this.audioElements.add(element);
    this.audioParent.appendChild(element);
  }

  private detachAudio(track: RemoteTrack): void {
    for (const element of track.detach()) {
      this.audioElements.delete(element);
      element.remove();
    }
  }

  private async teardown(): Promise<void> {
    this.scheduler.cancel();
    const room = this.room;
    this.room = null;
    for (const element of this.audioElements) element.remove();
    this.audioElements.clear();
    if (room) {
      room.removeAllListeners();
      await room.disconnect().catch(() => undefined);
    }
    this.sentVersion = 0;
  }
}

function describeFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError") return "The browser refused access to audio.";
  if (error instanceof ApiError) return callRefused(error);
  return "We could not reach the voice server.";
}
