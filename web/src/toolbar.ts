// The editor toolbar's preferences and the page's run key: font size and theme (kept in this browser, the theme
// following the system's until chosen), and Ctrl+Enter (Cmd+Enter) outside the editor running the code.
import { byId } from "./dom";
import type { CodeEditor } from "./editor";
import { chooseTheme, effectiveTheme, loadFontSize, saveFontSize, type Theme } from "./prefs";

/** Whether Ctrl+Enter (Cmd+Enter) pressed on `target` runs the code. Not while a dialog is open (the page behind it is
 * inert: a Run started under "Submit your final answer?" left the Submit confirmed next dropped as one in progress,
 * and one under the accommodation request ran code the candidate never asked to), nor in a field whose Enter is its
 * own (the message to the interviewer, custom input). The editor runs by its own keymap (web/src/editor.ts), first. */
export function runsOnCtrlEnter(target: EventTarget | null): boolean {
  if (document.querySelector("dialog[open]")) return false;
  return !(target instanceof Element && target.closest("dialog, input, textarea, select"));
}

export function applyTheme(editor: CodeEditor, theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  byId("theme-toggle").setAttribute("aria-pressed", String(theme === "dark"));
  editor.setDark(theme === "dark");
}

function applyFontSize(editor: CodeEditor, px: number): void {
  byId<HTMLSelectElement>("font-size").value = String(px);
  editor.setFontSize(px);
}

/** Applies the saved font size and theme to `editor`, and binds their controls, the system's colour scheme and
 * Ctrl+Enter (to `run`), the window's and the document's until `signal` aborts. */
export function bindPreferences(editor: CodeEditor, run: () => void, signal: AbortSignal): void {
  const font = byId<HTMLSelectElement>("font-size");
  font.addEventListener("change", () => {
    const px = Number(font.value);
    saveFontSize(px);
    applyFontSize(editor, px);
  });
  byId("theme-toggle").addEventListener("click", () => {
    const next: Theme = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
    chooseTheme(next);
    applyTheme(editor, next);
  });
  window
    .matchMedia?.("(prefers-color-scheme: dark)")
    .addEventListener("change", () => applyTheme(editor, effectiveTheme()), { signal });
  document.addEventListener(
    "keydown",
    (e) => {
      if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey) || e.defaultPrevented) return;
      if (!runsOnCtrlEnter(e.target)) return;
      e.preventDefault();
      run();
    },
    { signal },
  );
  applyTheme(editor, effectiveTheme());
  applyFontSize(editor, loadFontSize());
}
