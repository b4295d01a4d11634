// The message to the interviewer not sent yet, kept in this tab's sessionStorage per interview: a reload (or a
// crash of the tab) gives it back rather than an empty field.

import { CHAT_MAX_CHARS, charCount } from "./fieldbound";

const PREFIX = "shadows.chatDraft.";

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the draft lasts for this page
  }
}

/** The unsent message kept for `sessionId` ("" when none, or when what is stored is not one the field holds). */
export function loadChatDraft(sessionId: string): string {
  try {
    const text = storage()?.getItem(PREFIX + sessionId) ?? "";
    return charCount(text) <= CHAT_MAX_CHARS ? text : "";
  } catch {
    return "";
  }
}

/** Keep `text` as the unsent message for `sessionId`; an empty one is forgotten (as is every one once the interview
 * is over: web/src/callpanel.ts). One the field could not hold is not kept (the field holds the bound). */
export function saveChatDraft(sessionId: string, text: string): void {
  try {
    if (text && charCount(text) <= CHAT_MAX_CHARS) storage()?.setItem(PREFIX + sessionId, text);
    else storage()?.removeItem(PREFIX + sessionId);
  } catch {
    // storage full or disabled: the draft lasts for this page
  }
}
