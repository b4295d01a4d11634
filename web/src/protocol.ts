// The client <-> agent protocol (docs/protocol.md): topic and method names, the editor.get reply, interview events.
import type { RunReport } from "./api";
import type { EditorSnapshot } from "./editor";

export const TOPIC_EDITOR_SNAPSHOT = "editor.snapshot";
export const TOPIC_INTERVIEW_EVENT = "interview.event";
/** Client -> agent: a paste into the editor, its size only (attributes `chars`, `lines`; never the text). */
export const TOPIC_EDITOR_PASTE = "editor.paste";
export const TOPIC_CHAT = "lk.chat"; // reserved LiveKit topic: a typed message becomes a user turn
export const TOPIC_TRANSCRIPTION = "lk.transcription"; // reserved LiveKit topic: the agent's and the user's transcripts
export const RPC_EDITOR_GET = "editor.get";
/** Client -> agent: the candidate pressed End interview (optional for the agent; the client falls back to lk.chat). */
export const RPC_INTERVIEW_END = "interview.end";
export const ATTR_AGENT_STATE = "lk.agent.state";
export const ATTR_PHASE = "interview.phase";
export const ATTR_EDITOR_READY = "editor.ready"; // set by this page once its editor answers editor.get

/** RPC v1 payloads are capped at 15 KiB; replies above this budget carry no code (the code goes on the stream). */
export const RPC_REPLY_MAX_BYTES = 14 * 1024;

/** Attributes of an `editor.snapshot` text stream (all strings, as stream attributes must be). */
export function snapshotAttributes(snapshot: EditorSnapshot): Record<string, string> {
  return { version: String(snapshot.version), language: snapshot.language, cursor: snapshot.cursor };
}

export interface EditorGetReply {
  version: number;
  language: string;
  cursor: string;
  /** null when the code is too large for an RPC reply: it goes on `editor.snapshot` with this version. */
  code: string | null;
}

const encoder = new TextEncoder();

/**
 * At most this many UTF-8 bytes of the editor go on one `editor.snapshot`: what the agent keeps of a snapshot
 * (agent/editor.py MAX_HELD_BYTES; tests/web/test_snapshot_bound.py checks that the two agree). Before, a huge paste
 * was streamed whole to the interviewer, which read and dropped all but this much of it.
 */
export const SNAPSHOT_MAX_BYTES = 1_000_000;

/** `code` as one `editor.snapshot` sends it: whole, or its first characters within `maxBytes` UTF-8 bytes. */
export function snapshotText(code: string, maxBytes: number = SNAPSHOT_MAX_BYTES): string {
  if (code.length * 3 <= maxBytes) return code; // a UTF-16 unit is at most 3 bytes of UTF-8
  // encodeInto writes whole characters only (a surrogate pair is never split) and stops when the buffer is full:
  // the prefix is found without encoding the rest, however large the paste.
  const { read } = encoder.encodeInto(code, new Uint8Array(maxBytes));
  return read >= code.length ? code : code.slice(0, read);
}

/**
 * The `editor.get` answer for `snapshot`: the code inline when the JSON fits in RPC_REPLY_MAX_BYTES, otherwise
 * `code: null` and `mustPush` (the caller sends that version on `editor.snapshot`; docs/protocol.md).
 */
export function editorGetReply(snapshot: EditorSnapshot): { payload: string; mustPush: boolean } {
  const meta = { version: snapshot.version, language: snapshot.language, cursor: snapshot.cursor };
  const full = JSON.stringify({ ...meta, code: snapshot.code } satisfies EditorGetReply);
  if (encoder.encode(full).length <= RPC_REPLY_MAX_BYTES) return { payload: full, mustPush: false };
  return { payload: JSON.stringify({ ...meta, code: null } satisfies EditorGetReply), mustPush: true };
}

export type InterviewEvent =
  | { type: "phase"; phase: string; previous?: string | null }
  | { type: "test_report"; version?: number; report: RunReport }
  /** `unsettled`: the hint was being said when the interviewer's connection dropped; it counts as given. */
  | { type: "hint"; index: number; total: number; unsettled?: boolean }
  | { type: "time_warning"; minutes_left: number }
  | { type: "time_up" }
  | { type: "ended"; reason?: string }
  | { type: string; [key: string]: unknown };

/** An `interview.event` payload, or null when it is not a JSON object with a string `type`. */
export function parseInterviewEvent(text: string): InterviewEvent | null {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && typeof (value as { type?: unknown }).type === "string") {
      return value as InterviewEvent;
    }
  } catch {
    // a malformed event is dropped, never shown raw
  }
  return null;
}
