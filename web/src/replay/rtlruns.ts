// Right-to-left text in the replay's code drawn where it is: each run of right-to-left letters (Hebrew, Arabic…) is
// an isolate, so the browser's bidirectional algorithm never moves the code around it. Without one, the punctuation
// between two such runs takes their direction: `pair = ["א", "ב"]` was drawn `pair = ["ב" ,"א"]` and
// `{"א": 1, "ב": 2}` as `{"ב" ,1 :"א": 2}`, code reading otherwise than it ran, with no hidden character to reveal
// (./hiddenchars.ts). In the code and in what the merge view shows was deleted from it.
import type { Extension } from "@codemirror/state";
import { RangeSetBuilder } from "@codemirror/state";
import { Decoration, type DecorationSet, Direction, EditorView, ViewPlugin, type ViewUpdate } from "@codemirror/view";
import { onDeletedChunks, textNodes } from "./deletedchunks";

// Letters of right-to-left scripts: the blocks whose characters (assigned or not) are of bidirectional class R or AL,
// but U+061C (a hidden character, drawn as a placeholder) and U+FEFF. A run is such letters and the spaces between.
const RTL = String.raw`[\u0590-\u061b\u061d-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]`;
export const RTL_RUN = new RegExp(String.raw`${RTL}+(?: +${RTL}+)*`, "gu");

/** Past this many runs drawn at once, a line is shown in the order its characters were written (each run's letters
 *  too, read left to right) instead of one isolate per run: a 200 KB line of "א," was 60,000 elements to draw. */
export const MAX_ISOLATES = 2000;

const isolate = Decoration.mark({ class: "cm-rtl-run", bidiIsolate: Direction.RTL });
const written = Decoration.line({ class: "cm-written-order" });

/** The isolates and the lines shown in written order of what `view` draws. */
function decorate(view: EditorView): { runs: DecorationSet; lines: DecorationSet } {
  const runs = new RangeSetBuilder<Decoration>();
  const lines = new RangeSetBuilder<Decoration>();
  let left = MAX_ISOLATES;
  let next = 0; // the first position not yet read: visible ranges can share a line
  for (const { from, to } of view.visibleRanges) {
    for (let pos = Math.max(from, next); pos <= to;) {
      const line = view.state.doc.lineAt(pos);
      const found = [...line.text.matchAll(RTL_RUN)];
      if (found.length > left) {
        lines.add(line.from, line.from, written);
      } else {
        left -= found.length;
        for (const m of found) runs.add(line.from + m.index, line.from + m.index + m[0].length, isolate);
      }
      pos = next = line.to + 1;
    }
  }
  return { runs: runs.finish(), lines: lines.finish() };
}

const isolateRuns = ViewPlugin.fromClass(
  class {
    runs: DecorationSet;
    lines: DecorationSet;

    constructor(view: EditorView) {
      ({ runs: this.runs, lines: this.lines } = decorate(view));
    }

    update(update: ViewUpdate): void {
      if (update.docChanged || update.viewportChanged) ({ runs: this.runs, lines: this.lines } = decorate(update.view));
    }
  },
  {
    provide: (plugin) => [
      EditorView.decorations.of((view) => view.plugin(plugin)?.runs ?? Decoration.none),
      EditorView.decorations.of((view) => view.plugin(plugin)?.lines ?? Decoration.none),
      // CodeMirror orders a line's text itself too (selection, cursor motion): told of the isolates.
      EditorView.bidiIsolatedRanges.of((view) => view.plugin(plugin)?.runs ?? Decoration.none),
    ],
  },
);

/** Wrap each run in the text nodes of `line` (a deleted line: the merge view's widget) in an isolate. */
function isolateText(node: Text): void {
  const text = node.data;
  const found = [...text.matchAll(RTL_RUN)];
  if (found.length === 0) return;
  const drawn = document.createDocumentFragment();
  let at = 0;
  for (const m of found) {
    if (m.index > at) drawn.append(text.slice(at, m.index));
    const run = document.createElement("span");
    run.className = "cm-rtl-run";
    run.textContent = m[0];
    drawn.append(run);
    at = m.index + m[0].length;
  }
  if (at < text.length) drawn.append(text.slice(at));
  node.replaceWith(drawn);
}

/** Isolate the runs of a deleted chunk the merge view has drawn; one past `MAX_ISOLATES` runs is shown in written
 *  order. */
function isolateDeleted(chunk: Element): void {
  const count = (chunk.textContent ?? "").match(RTL_RUN)?.length ?? 0;
  if (count === 0) return;
  if (count > MAX_ISOLATES) {
    for (const line of chunk.querySelectorAll(".cm-deletedLine")) line.classList.add("cm-written-order");
    return;
  }
  textNodes(chunk).forEach(isolateText);
}

/** Right-to-left runs drawn as isolates, in the code and in what the merge view shows was deleted from it. */
export function isolateRightToLeft(): Extension {
  return [isolateRuns, onDeletedChunks(isolateDeleted)];
}
