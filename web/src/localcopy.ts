// Code the server does not hold yet, kept in the browser's localStorage per interview and language, so opening the
// page again (a reload, or the tab closed and the link opened again) on a failing network, or after a draft too large
// for what the page may send as it goes, gives it back rather than the older draft the server has. Written only when
// a save fails and as the page goes (pagehide), never per keystroke; removed once the server holds it. It was the
// tab's sessionStorage, which a closed tab takes with it. A copy older than a day (no interview lasts that long) is
// never restored, and is removed as the page reads copies.
import type { Language } from "./api";

const PREFIX = "shadows.unsaved.";

/** The oldest copy given back: longer than any interview (its duration, extra time and grace). */
export const MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** One language's unsaved code and the server draft revision it was edited from (0: none yet). */
export interface LocalCopy {
  code: string;
  base: number;
}

function stores(): [Storage, boolean][] {
  const out: [Storage, boolean][] = [];
  for (const [pick, tab] of [
    [() => window.localStorage, false],
    [() => window.sessionStorage, true],
  ] as const) {
    try {
      const store = pick();
      if (store) out.push([store, tab]);
    } catch {
      // storage disabled: opening the page again on a failing network loses what was not saved
    }
  }
  return out;
}

function key(sessionId: string, language: Language): string {
  return `${PREFIX}${sessionId}.${language}`;
}

export function keepLocal(sessionId: string, language: Language, copy: LocalCopy): void {
  const body = JSON.stringify({ code: copy.code, base: copy.base, at: Date.now() });
  for (const [store] of stores()) {
    try {
      store.setItem(key(sessionId, language), body);
      return; // localStorage; the tab's sessionStorage only where that is refused (full, disabled)
    } catch {
      // storage full or refused: the next one, else the code lasts for this page (the leave prompt still asks);
      // an older copy left here would be read first, so it goes
      try {
        store.removeItem(key(sessionId, language));
      } catch {
        // nothing to remove
      }
    }
  }
}

export function dropLocal(sessionId: string, language: Language): void {
  for (const [store] of stores()) {
    try {
      store.removeItem(key(sessionId, language)); // both: a copy an earlier build kept in the tab goes too
    } catch {
      // nothing to remove
    }
  }
}

/** `tab`: read from the tab's sessionStorage, where an earlier build kept copies without their time. */
function parse(raw: string | null, now: number, tab: boolean): LocalCopy | null {
  let value: unknown;
  try {
    value = JSON.parse(raw ?? "null");
  } catch {
    return null; // unreadable: the server's draft
  }
  const copy = value as (Partial<LocalCopy> & { at?: unknown }) | null;
  if (!copy || typeof copy.code !== "string" || typeof copy.base !== "number" || !Number.isInteger(copy.base))
    return null;
  // An earlier build's copy (in the tab's storage) has no time: it was written by this tab, so it is recent.
  if (copy.at === undefined && tab) return { code: copy.code, base: copy.base };
  if (typeof copy.at !== "number" || !(now - copy.at < MAX_AGE_MS)) return null;
  return { code: copy.code, base: copy.base };
}

export function readLocal(sessionId: string, language: Language): LocalCopy | null {
  const now = Date.now();
  for (const [store, tab] of stores()) {
    let raw: string | null;
    try {
      raw = store.getItem(key(sessionId, language));
    } catch {
      continue;
    }
    if (raw === null) continue;
    const copy = parse(raw, now, tab);
    if (copy) return copy;
    try {
      store.removeItem(key(sessionId, language)); // unreadable or too old: never given back
    } catch {
      // nothing to remove
    }
  }
  return null;
}

/** Removes every interview's copy that can no longer be given back (too old, unreadable): a copy of an interview
 * that ended while its tab was closed is otherwise never read again. */
export function sweepLocal(): void {
  const now = Date.now();
  for (const [store, tab] of stores()) {
    try {
      const keys: string[] = [];
      for (let i = 0; i < store.length; i += 1) {
        const name = store.key(i);
        if (name?.startsWith(PREFIX)) keys.push(name);
      }
      for (const name of keys) if (!parse(store.getItem(name), now, tab)) store.removeItem(name);
    } catch {
      // storage refused: nothing to sweep
    }
  }
}
