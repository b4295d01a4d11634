// The code at the replay's moment: a read-only CodeMirror editor with CodeMirror's own unified merge view showing
// what changed since the previous snapshot, and the lines a citation quotes highlighted.
import { unifiedMergeView } from "@codemirror/merge";
import { EditorState, type Extension, RangeSetBuilder, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView, lineNumbers } from "@codemirror/view";
import { defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { languageSupport } from "../codelang";
import { revealHidden } from "./hiddenchars";
import { isolateRightToLeft } from "./rtlruns";

const evidenceLine = Decoration.line({ class: "cm-evidence-line" });

function highlightLines(range: { from: number; to: number } | null): Extension {
  return StateField.define<DecorationSet>({
    create(state) {
      const builder = new RangeSetBuilder<Decoration>();
      if (range) {
        for (let n = range.from; n <= Math.min(range.to, state.doc.lines); n += 1) {
          const line = state.doc.line(n);
          builder.add(line.from, line.from, evidenceLine);
        }
      }
      return builder.finish();
    },
    update: (decorations) => decorations,
    provide: (field) => EditorView.decorations.from(field),
  });
}

export class CodeView {
  private readonly view: EditorView;
  // Each language the replay shows code in, loaded before it plays: a candidate may switch language mid-interview.
  private readonly languages = new Map<string, Extension>();

  constructor(
    parent: HTMLElement,
    private readonly nonce: string,
  ) {
    this.view = new EditorView({ parent, state: this.state("", null, null, null) });
  }

  /** Load the modes of `languages`, so that `show` can highlight code in any of them at once. */
  async load(languages: readonly string[]): Promise<void> {
    await Promise.all(
      languages
        .filter((language) => !this.languages.has(language))
        .map(async (language) => this.languages.set(language, await languageSupport(language))),
    );
  }

  private state(
    code: string,
    previous: string | null,
    lines: { from: number; to: number } | null,
    language: string | null,
  ): EditorState {
    return EditorState.create({
      doc: code,
      extensions: [
        EditorView.cspNonce.of(this.nonce),
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        EditorView.lineWrapping,
        lineNumbers(),
        revealHidden(),
        isolateRightToLeft(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        (language === null ? undefined : this.languages.get(language)) ?? [],
        previous === null
          ? []
          : unifiedMergeView({ original: previous, mergeControls: false, gutter: true, highlightChanges: true }),
        highlightLines(lines),
        // Not editable, so not focusable by itself: a keyboard could not reach the code to scroll it (axe's
        // scrollable-region-focusable), nor could a citation of it take the keyboard there.
        EditorView.contentAttributes.of({ "aria-label": "Code at this moment (read only)", tabindex: "0" }),
      ],
    });
  }

  /**
   * Show `code`, highlighted as `language` (loaded with `load`; plain text otherwise), marking changes against
   * `previous` (none for the first snapshot) and the `lines` a citation quotes.
   */
  show(
    code: string,
    previous: string | null,
    language: string | null,
    lines: { from: number; to: number } | null = null,
  ): void {
    this.view.setState(this.state(code, previous, lines, language));
    if (lines) {
      const line = this.view.state.doc.line(Math.min(lines.from, this.view.state.doc.lines));
      this.view.dispatch({ effects: EditorView.scrollIntoView(line.from, { y: "center" }) });
    }
  }

  /** Give the code the keyboard's focus (a citation of it moved the replay there), the page not scrolled. */
  focus(): void {
    this.view.contentDOM.focus({ preventScroll: true });
  }

  get code(): string {
    return this.view.state.doc.toString();
  }
}
