// Problem statements: Markdown rendered by `marked`, then sanitised by DOMPurify into a DOM fragment.
import DOMPurify from "dompurify";
import { Marked } from "marked";

const marked = new Marked({ gfm: true, breaks: false, async: false });

let hooked = false;
function hookLinks(): void {
  if (hooked) return;
  hooked = true;
  // Links in a statement open elsewhere and never hand this page (or its referrer) to the target.
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A") {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer");
    }
  });
}

/** Sanitised nodes for `markdown`; scripts, event handlers, forms, styles, iframes and the page's ids never survive. */
export function renderMarkdown(markdown: string): DocumentFragment {
  hookLinks();
  const html = marked.parse(markdown) as string;
  return DOMPurify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    USE_PROFILES: { html: true },
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe"],
    FORBID_ATTR: ["style"],
    // An id or name in the statement becomes `user-content-…`: it cannot take one of the page's own ids (the page
    // finds its controls by id, and the statement comes first), nor stand in for a document property.
    SANITIZE_NAMED_PROPS: true,
  });
}
