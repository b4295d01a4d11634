// The code editor (CodeMirror 6): language modes, a change counter as the snapshot version, cursor as "line:col".
import { indentWithTab } from "@codemirror/commands";
import { cpp } from "@codemirror/lang-cpp";
import { java } from "@codemirror/lang-java";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { indentUnit } from "@codemirror/language";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";
import type { Language } from "./api";

function languageSupport(language: Language): Extension {
  switch (language) {
    case "python":
      return [python(), indentUnit.of("    ")];
    case "javascript":
      return [javascript(), indentUnit.of("  ")];
    case "java":
      return [java(), indentUnit.of("    ")];
    case "cpp":
      return [cpp(), indentUnit.of("    ")];
  }
}

export interface EditorSnapshot {
  code: string;
  language: Language;
  /** Increases with every change to the document; the agent ignores snapshots older than one it holds. */
  version: number;
  /** 1-based "line:col" of the main cursor. */
  cursor: string;
}

export class CodeEditor {
  private readonly view: EditorView;
  private readonly languageSlot = new Compartment();
  private readonly readOnlySlot = new Compartment();
  private language: Language;
  private version = 1;
  private readonly listeners: ((snapshot: EditorSnapshot) => void)[] = [];

  constructor(parent: HTMLElement, code: string, language: Language) {
    this.language = language;
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: code,
        extensions: [
          basicSetup,
          keymap.of([indentWithTab]), // Esc then Tab moves focus out of the editor (CodeMirror's tab-trap escape)
          this.languageSlot.of(languageSupport(language)),
          this.readOnlySlot.of(EditorState.readOnly.of(false)),
          EditorView.contentAttributes.of({ "aria-label": `Code editor (${language})` }),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            this.version += 1;
            const snapshot = this.snapshot();
            for (const listener of this.listeners) listener(snapshot);
          }),
        ],
      }),
    });
  }

  onChange(listener: (snapshot: EditorSnapshot) => void): void {
    this.listeners.push(listener);
  }

  get code(): string {
    return this.view.state.doc.toString();
  }

  snapshot(): EditorSnapshot {
    const state = this.view.state;
    const head = state.selection.main.head;
    const line = state.doc.lineAt(head);
    return {
      code: state.doc.toString(),
      language: this.language,
      version: this.version,
      cursor: `${line.number}:${head - line.from + 1}`,
    };
  }

  /** Replace the whole document (counts as one change). */
  setCode(code: string): void {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: code } });
  }

  setLanguage(language: Language): void {
    this.language = language;
    this.view.dispatch({ effects: this.languageSlot.reconfigure(languageSupport(language)) });
  }

  setReadOnly(readOnly: boolean): void {
    this.view.dispatch({ effects: this.readOnlySlot.reconfigure(EditorState.readOnly.of(readOnly)) });
  }

  focus(): void {
    this.view.focus();
  }
}
