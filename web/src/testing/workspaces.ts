import { Workspace } from "../workspace";

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
