// Workspaces for unit tests: the candidate page's body to load into the test's document, a started one-language
// interview to open, and workspaces opened so that each test file closes its own.
/// <reference types="vite/client" />
import type { JoinResponse } from "../api";
import { Workspace } from "../workspace";
import page from "../../index.html?raw";

/** The candidate page's body (index.html), for `document.body.innerHTML`: a test's page, or the same page reloaded. */
export const pageBody = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";

/** A started interview in Python only, whose function takes no arguments. */
export const joined = {
  session: { id: "s1", language: "python", languages: ["python"] },
  organization: { allow_resubmission: false },
  question: {
    starter_code: { python: "def solve():\n    pass\n" },
    signature: { params: [] },
    visible_tests: [],
  },
} as unknown as JoinResponse;

const opened: Workspace[] = [];

/** A workspace made for a test, to be closed after it (`closeWorkspaces`, each test file's `afterEach`): test files
 * share a document in a worker, and a workspace left listening to it took the next file's keys (a Ctrl+Enter run by a
 * workspace of an earlier file never reached the next one's). This module is evaluated once per worker, so each file
 * registers the hook itself. */
export function openWorkspace(...args: ConstructorParameters<typeof Workspace>): Workspace {
  const workspace = new Workspace(...args);
  opened.push(workspace);
  return workspace;
}

/** Closes every workspace `openWorkspace` made (`Workspace.close`). */
export function closeWorkspaces(): void {
  for (const workspace of opened.splice(0)) workspace.close();
}
