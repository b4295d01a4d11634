// The deleted lines of the replay's merge view, marked up once each before they are painted. They are block widgets
// the merge view builds once and keeps, put into the content whenever the view draws them (a new state, stepping the
// replay, scrolling them into view), outside the editor's document where its decorations never reach: a
// MutationObserver on the content hands each new chunk to `mark`. CodeMirror ignores changes inside a widget's DOM,
// so marking one up does not read as an edit.
import type { Extension } from "@codemirror/state";
import { type EditorView, ViewPlugin } from "@codemirror/view";

/** The text nodes under `root`, collected before any is replaced. */
export function textNodes(root: Node): Text[] {
  const texts: Text[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text);
  return texts;
}

/** Every deleted chunk the merge view draws, handed to `mark` once. */
export function onDeletedChunks(mark: (chunk: Element) => void): Extension {
  const markNew = (content: HTMLElement, done: WeakSet<Element>): void => {
    for (const chunk of content.querySelectorAll(".cm-deletedChunk")) {
      if (done.has(chunk)) continue;
      done.add(chunk);
      mark(chunk);
    }
  };
  return ViewPlugin.fromClass(
    class {
      private readonly done = new WeakSet<Element>();
      private readonly observer: MutationObserver;

      constructor(view: EditorView) {
        const content = view.contentDOM;
        this.observer = new MutationObserver(() => {
          markNew(content, this.done);
          this.observer.takeRecords(); // our own changes
        });
        this.observer.observe(content, { childList: true, subtree: true });
        markNew(content, this.done);
      }

      destroy(): void {
        this.observer.disconnect();
      }
    },
  );
}
