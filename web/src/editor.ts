// The code editor (CodeMirror 6): language modes, a Tab key that never traps, font size and theme, compile errors
// in the gutter, pasted and dropped text kept to what the API can store, and the paste/insertion signals the integrity
// observer reads. The change counter is the snapshot version the agent sees.
import { indentLess, indentMore } from "@codemirror/commands";
import { HighlightStyle, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { Compartment, EditorState, type Extension, Prec } from "@codemirror/state";
import { oneDark } from "@codemirror/theme-one-dark";
import { EditorView, highlightSpecialChars, keymap } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { basicSetup } from "codemirror";
import { type Language, MAX_CODE_CHARS } from "./api";
import { languageSupport } from "./codelang";
import type { CodeMark } from "./compileerrors";
import { HIDDEN, placeholder } from "./replay/hiddenchars";

const INDENT: Record<Language, string> = { python: "    ", javascript: "  ", java: "    ", cpp: "    " };

/** Every character that hides or reorders code drawn as a named placeholder, as the report's replay draws it
 * (./replay/hiddenchars.ts): CodeMirror's own set (basicSetup's) leaves out the bidirectional embeddings and their
 * pop (U+202A-U+202C), the first-strong isolate (U+2068), word joiners and invisible operators, Hangul fillers (an
 * identifier that shows as a space) and tag characters, so the candidate's code read otherwise than it ran, and
 * otherwise than the recruiter saw it. Ahead of basicSetup's: a character both match is drawn once, as this one. */
const REVEALED: Extension = Prec.highest(highlightSpecialChars({ specialChars: HIDDEN, render: placeholder }));

/** NUL and unpaired UTF-16 surrogates: characters no draft, Run or Submit can carry (the API refuses a body holding
 * one, api/json_guard.py, and PostgreSQL keeps neither), and that no keyboard types. */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` with each character the API cannot keep replaced by U+FFFD, which shows where it was. Pasted or dropped
 * text holding one (a terminal's output, a binary file) had made every later save and Run of the code refused until
 * the candidate found a character that draws as nothing (a lone surrogate) or as a dot. */
export function storable(text: string): string {
  return text.replace(UNSTORABLE, "\ufffd");
}

/** The most bytes of files dropped on the editor that it reads: a file of more bytes holds more characters than an
 * interview keeps (a character is at most 4 bytes in UTF-8 or UTF-16), so reading it (CodeMirror reads a dropped
 * file whole, a video of gigabytes too) could only freeze or crash the tab. */
export const MAX_DROP_BYTES = 4 * MAX_CODE_CHARS;

export interface EditorSnapshot {
  code: string;
  language: Language;
  /** Increases with every change to the document; the agent ignores snapshots older than one it holds. */
  version: number;
  /** 1-based "line:col" of the main cursor. */
  cursor: string;
}

/** What the integrity observer hears from the editor: sizes and timings, never the text. */
export interface InputSignals {
  paste(chars: number, lines: number): void;
  /** Text typed or inserted without a paste (keyboard, drop, IME, autocomplete). */
  inserted(chars: number): void;
}

/** One Dark on the page's darker panel colour, with comments brightened: every token then meets WCAG AA contrast
 * (4.5:1), also on the active line. */
const DARK: Extension = [
  // Earlier extensions take precedence: these override One Dark's background and comment colour.
  EditorView.theme(
    {
      "&": { backgroundColor: "#1e2228" },
      ".cm-gutters": { backgroundColor: "#1e2228" },
      ".cm-activeLine": { backgroundColor: "#ffffff08" },
    },
    { dark: true },
  ),
  syntaxHighlighting(
    HighlightStyle.define([{ tag: [tags.comment, tags.meta], color: "#a3acbb", fontStyle: "italic" }]),
  ),
  oneDark,
];

function fontTheme(px: number): Extension {
  return EditorView.theme({ "&": { fontSize: `${px}px` }, ".cm-gutters": { fontSize: `${px}px` } });
}

export class CodeEditor {
  private readonly view: EditorView;
  private readonly languageSlot = new Compartment();
  private readonly readOnlySlot = new Compartment();
  private readonly themeSlot = new Compartment();
  private readonly fontSlot = new Compartment();
  private readonly wrapSlot = new Compartment();
  private language: Language;
  private version = 1;
  /** Tab indents only once the candidate has typed since focusing the editor; until then Tab moves on. */
  private typedSinceFocus = false;
  private readonly listeners: ((snapshot: EditorSnapshot) => void)[] = [];
  signals: InputSignals | null = null;
  /** Says why something the candidate did to the editor was not done (a file too large to drop). */
  onNotice: (text: string) => void = () => undefined;

  /** `onRun` is bound to Mod-Enter inside the editor, ahead of CodeMirror's own "insert blank line". */
  constructor(parent: HTMLElement, code: string, language: Language, onRun: () => void = () => undefined) {
    this.language = language;
    const tabKeys = keymap.of([
      { key: "Tab", run: (view) => this.typedSinceFocus && indentMore(view) },
      { key: "Shift-Tab", run: (view) => this.typedSinceFocus && indentLess(view) },
      {
        key: "Escape",
        run: () => {
          this.typedSinceFocus = false; // Esc then Tab leaves the editor
          return false;
        },
      },
    ]);
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: code,
        extensions: [
          EditorView.clipboardInputFilter.of(storable), // a paste, and text or a file dropped
          basicSetup,
          REVEALED,
          Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => (onRun(), true) }])),
          Prec.high(tabKeys),
          lintGutter(),
          this.languageSlot.of(indentUnit.of(INDENT[language])), // highlighting arrives with the mode's chunk
          this.readOnlySlot.of(EditorState.readOnly.of(false)),
          this.themeSlot.of([]),
          this.fontSlot.of(fontTheme(14)),
          this.wrapSlot.of([]),
          EditorView.contentAttributes.of({
            "aria-label": "Code editor",
            "aria-describedby": "tab-hint",
            tabindex: "0",
          }),
          EditorView.domEventHandlers({
            focus: () => {
              this.typedSinceFocus = false;
            },
            drop: (event, view) => {
              const files = [...(event.dataTransfer?.files ?? [])];
              const bytes = files.reduce((sum, file) => sum + file.size, 0);
              if (view.state.readOnly || bytes <= MAX_DROP_BYTES) return false; // CodeMirror's own drop
              event.preventDefault();
              this.onNotice(
                `The file was not added: it is larger than an interview keeps (at most ` +
                  `${MAX_CODE_CHARS.toLocaleString("en")} characters).`,
              );
              return true;
            },
            paste: (event) => {
              const text = event.clipboardData?.getData("text/plain") ?? "";
              this.signals?.paste(text.length, text ? text.split("\n").length : 0); // the size only, never the text
            },
          }),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            for (const tr of update.transactions) {
              if (!tr.isUserEvent("input") && !tr.isUserEvent("delete") && !tr.isUserEvent("move")) continue;
              this.typedSinceFocus = true;
              if (tr.isUserEvent("input.paste")) continue;
              let inserted = 0;
              tr.changes.iterChanges((_fa, _ta, _fb, _tb, text) => (inserted += text.length));
              if (inserted) this.signals?.inserted(inserted);
            }
            this.version += 1;
            const snapshot = this.snapshot();
            for (const listener of this.listeners) listener(snapshot);
          }),
        ],
      }),
    });
    void this.loadMode(language);
  }

  onChange(listener: (snapshot: EditorSnapshot) => void): void {
    this.listeners.push(listener);
  }

  get code(): string {
    return this.view.state.doc.toString();
  }

  get currentLanguage(): Language {
    return this.language;
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
    this.view.dispatch(setDiagnostics(this.view.state, []));
  }

  /** Another language's code in place of this one's, in one step: the language the editor names and the code in it
   * change together (the change it reports pairs them), its mode following once the chunk has loaded. Named before
   * the code was in, a keystroke, a Run or a draft save in between paired one language with the other's code. */
  switchTo(language: Language, code: string): Promise<void> {
    this.language = language; // first: the change setCode reports names the new language with its code
    this.setCode(code);
    // Until the mode's chunk loads: plain text with the language's indent, not the other language's highlighting.
    this.view.dispatch({ effects: this.languageSlot.reconfigure(indentUnit.of(INDENT[language])) });
    return this.loadMode(language);
  }

  /** Load the language's mode; until its chunk loads the editor works as plain text with the language's indent. */
  private async loadMode(language: Language): Promise<void> {
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
    this.view.dispatch({
      effects: this.readOnlySlot.reconfigure([
        EditorState.readOnly.of(readOnly),
        EditorView.contentAttributes.of({ "aria-readonly": String(readOnly) }),
      ]),
    });
  }

  setDark(dark: boolean): void {
    this.view.dispatch({ effects: this.themeSlot.reconfigure(dark ? DARK : []) });
  }

  setFontSize(px: number): void {
    this.view.dispatch({ effects: this.fontSlot.reconfigure(fontTheme(px)) });
  }

  setLineWrapping(wrap: boolean): void {
    this.view.dispatch({ effects: this.wrapSlot.reconfigure(wrap ? EditorView.lineWrapping : []) });
  }

  /** Compile errors (and similar) marked in the gutter on their lines; an empty list clears them. */
  mark(marks: CodeMark[]): void {
    const doc = this.view.state.doc;
    const diagnostics: Diagnostic[] = marks
      .filter((m) => m.line >= 1 && m.line <= doc.lines)
      .map((m) => {
        const line = doc.line(m.line);
        return { from: line.from, to: line.to, severity: m.severity, message: m.message, source: "compiler" };
      });
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  focus(): void {
    this.view.focus();
  }
}
