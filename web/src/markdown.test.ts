// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown";

function html(markdown: string): string {
  const div = document.createElement("div");
  div.appendChild(renderMarkdown(markdown));
  return div.innerHTML;
}

describe("statement Markdown", () => {
  it("renders emphasis, code and lists", () => {
    const out = html("Return **indices** of `nums`.\n\n- one\n- two\n\n```python\nx = 1\n```");
    expect(out).toContain("<strong>indices</strong>");
    expect(out).toContain("<code>nums</code>");
    expect(out).toContain("<li>one</li>");
    expect(out).toContain("x = 1");
  });

  it("drops scripts, event handlers, javascript: links, iframes, forms and inline styles", () => {
    const out = html(
      [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(2)">',
        "[click](javascript:alert(3))",
        '<iframe src="https://evil.example"></iframe>',
        '<form action="https://evil.example"><input name="q"></form>',
        '<p style="position:fixed">overlay</p>',
      ].join("\n\n"),
    );
    expect(out).not.toMatch(/<script|onerror|javascript:|<iframe|<form|<input|style=/i);
    expect(out).toContain("overlay");
  });

  it("opens links in a new tab without a referrer or opener", () => {
    expect(html("[docs](https://example.com)")).toContain('rel="noopener noreferrer"');
  });
});
