// The code editor (CodeMirror 6): language modes, a change counter as the snapshot version, cursor as "line:col".
import { indentWithTab } from "@codemirror/commands";
import { indentUnit } from "@codemirror/language";
import { Compartment, EditorState, type Extension, Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";
import type { Language } from "./api";

const INDENT: Record<Language, string> = { python: "    ", javascript: "  ", java: "    ", cpp: "    " };

/** Each language mode is its own chunk: the page loads only the session's. */
async function languageSupport(language: Language): Promise<Extension> {
  switch (language) {
    case "python":
      return (await import("@codemirror/lang-python")).python();
    case "javascript":
      return (await import("@codemirror/lang-javascript")).javascript();
    case "java":
      return (await import("@codemirror/lang-java")).java();
    case "cpp":
      return (await import("@codemirror/lang-cpp")).cpp();
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

  /** `onRun` is bound to Mod-Enter inside the editor, ahead of CodeMirror's own "insert blank line". */
  constructor(parent: HTMLElement, code: string, language: Language, onRun: () => void = () => undefined) {
    this.language = language;
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: code,
        extensions: [
          basicSetup,
          Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => (onRun(), true) }])),
          keymap.of([indentWithTab]), // Esc then Tab moves focus out of the editor (CodeMirror's tab-trap escape)
          this.languageSlot.of(indentUnit.of(INDENT[language])), // highlighting arrives with the mode's chunk
          this.readOnlySlot.of(EditorState.readOnly.of(false)),
          // tabindex 0 restates the contenteditable's place in the tab order for tools that only count tabindex
          EditorView.contentAttributes.of({ "aria-label": `Code editor (${language})`, tabindex: "0" }),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            this.version += 1;
            const snapshot = this.snapshot();
            for (const listener of this.listeners) listener(snapshot);
          }),
        ],
      }),
    });
    void this.setLanguage(language);
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

  /** Switch the mode; until its chunk loads the editor works as plain text with the language's indent. */
  async setLanguage(language: Language): Promise<void> {
    this.language = language;
    let support: Extension = [];
    try {
      support = await languageSupport(language);
    } catch {
      // the chunk failed to load: keep editing as plain text
    }
    if (this.language !== language) return; // superseded
    this.view.dispatch({ effects: this.languageSlot.reconfigure([support, indentUnit.of(INDENT[language])]) });
  }

  setReadOnly(readOnly: boolean): void {
    this.view.dispatch({ effects: this.readOnlySlot.reconfigure(EditorState.readOnly.of(readOnly)) });
  }

  focus(): void {
    this.view.focus();
  }
}
