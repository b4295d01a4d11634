// Code the server does not hold yet, kept in this tab's sessionStorage per interview and language, so a reload on a
// failing network (or with the API unreachable) gives it back rather than the older draft the server has. Written
// only when a save fails and as the page goes (pagehide), never per keystroke; removed once the server holds it.
import type { Language } from "./api";

const PREFIX = "shadows.unsaved.";

/** One language's unsaved code and the server draft revision it was edited from (0: none yet). */
export interface LocalCopy {
  code: string;
  base: number;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: a reload on a failing network loses what was not saved
  }
}

function key(sessionId: string, language: Language): string {
  return `${PREFIX}${sessionId}.${language}`;
}

export function keepLocal(sessionId: string, language: Language, copy: LocalCopy): void {
  try {
    storage()?.setItem(key(sessionId, language), JSON.stringify(copy));
  } catch {
    // storage full or refused: the code lasts for this page (and the browser's leave prompt still asks)
  }
}

export function dropLocal(sessionId: string, language: Language): void {
  try {
    storage()?.removeItem(key(sessionId, language));
  } catch {
    // nothing to remove
  }
}

export function readLocal(sessionId: string, language: Language): LocalCopy | null {
  let raw: unknown;
  try {
    raw = JSON.parse(storage()?.getItem(key(sessionId, language)) ?? "null");
  } catch {
    return null; // unreadable: the server's draft
  }
  const copy = raw as Partial<LocalCopy> | null;
  return copy && typeof copy.code === "string" && typeof copy.base === "number" && Number.isInteger(copy.base)
    ? { code: copy.code, base: copy.base }
    : null;
}
