// The saved code given back on a reload (or in a new tab or on another device): loaded from the server, asked again
// while it fails, then each language's draft, or this browser's copy of code not saved when the page last went.
import type { DraftList, Language } from "./api";
import { announce } from "./announce";
import type { DraftSaver } from "./drafts";
import { dropLocal, readLocal, sweepLocal } from "./localcopy";
import type { SaveStatus } from "./savestatus";

/** Waits between attempts to load the saved drafts after a reload on a failing network. */
const DRAFT_RETRY_MS = [1000, 2000, 4000, 10_000];

/** The saved drafts (`read`), asked again while the network or the server fails (said in `status`): handing out the
 * starter instead would let the first keystroke save it over the candidate's work (a save whose revision is not
 * known replaces the draft). A refusal (a 4xx but 429) is thrown: saves will be refused too. */
export async function loadDrafts(read: () => Promise<DraftList>, status: SaveStatus): Promise<DraftList> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      const code = (error as { status?: number }).status ?? 0;
      if (code !== 0 && code !== 429 && code < 500) throw error;
      status.loadingAgain();
      await new Promise((resolve) => window.setTimeout(resolve, DRAFT_RETRY_MS[Math.min(attempt, 3)]));
    }
  }
}

/** What restoring works on: the interview's languages, the one in the editor, the autosave (told each language's
 * code and the revision it was edited from), and the code to show per language (filled in). */
export interface DraftsTarget {
  sessionId: string;
  languages: readonly Language[];
  current: Language;
  saver: DraftSaver;
  drafts: Map<Language, string>;
}

/** Restores `list` into `target`. `final`: the final answer is in and no more drafts are taken, so no unsaved copy
 * is given back. A copy given back is saved again (the editor's own language by the editor's change) and said. */
export function restoreDrafts(target: DraftsTarget, list: DraftList, final: boolean): void {
  const { sessionId, saver, drafts } = target;
  const restored: Language[] = [];
  sweepLocal(); // copies too old to give back, this interview's or an earlier one's
  for (const language of target.languages) {
    const draft = list.drafts[language];
    if (!draft) {
      saver.revisionIs(language, 0); // no draft yet: a first save must not replace another tab's
    } else {
      drafts.set(language, draft.code);
      saver.known(language, draft.code, draft.revision);
    }
    // Code this browser had not saved when the page last went (reloaded or closed; saves failing, or a draft too
    // large to send as it went): newer than the server's draft while that is still the one it was edited from;
    // otherwise another tab or device saved since, and the newest saved code wins as in any conflict.
    const local = readLocal(sessionId, language);
    if (!local) continue;
    if (final || local.base !== (draft?.revision ?? 0) || local.code === draft?.code) {
      dropLocal(sessionId, language);
      continue;
    }
    drafts.set(language, local.code);
    saver.restored(language, local.code);
    restored.push(language);
  }
  for (const language of restored) {
    if (language !== target.current) saver.changed(language, drafts.get(language) ?? "");
  }
  if (restored.length > 0)
    announce("Code not saved before the page last closed or reloaded was restored; saving it now.");
}
