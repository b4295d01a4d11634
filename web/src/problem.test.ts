// @vitest-environment jsdom
/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import type { Question } from "./api";
import { renderProblem } from "./problem";
import { renderWelcome } from "./welcome";
import type { JoinResponse } from "./api";
import page from "../index.html?raw";

const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";
/** Ids the page looks its own controls up by (byId takes the first in document order, and the statement and the
 * notice come before them). */
const OURS = ["results", "run", "submit", "editor", "consent-check", "consent-continue", "announcer", "final-state"];
const claiming = OURS.map((id) => `<p id="${id}">theirs</p><a name="${id}">theirs</a>`).join("");

describe("markup in a statement or a notice", () => {
  it("cannot take the id of one of the page's own elements", () => {
    document.body.innerHTML = body;
    renderWelcome({
      session: { role: null, duration_minutes: 45, extra_time_minutes: 0, languages: ["python"] },
      organization: { name: "Acme", logo_url: null },
      notice: { version: "v2", sha256: "x", html: claiming },
    } as unknown as JoinResponse);
    renderProblem({
      title: "T",
      difficulty: "easy",
      topics: [],
      statement_md: `Read this.\n\n${claiming}`,
      signature: { function: "f", params: [], returns: "int" },
      visible_tests: [],
      hidden_test_count: 0,
    } as unknown as Question);
    for (const id of OURS) {
      // One element with the id, the page's own (a browser's getElementById answers the first in the page).
      const withId = [...document.querySelectorAll(`[id="${id}"]`)];
      expect(withId.length, id).toBe(1);
      expect(withId[0].textContent, id).not.toBe("theirs");
      expect(document.getElementsByName(id).length, id).toBe(0);
    }
    expect(document.getElementById("question-statement")?.textContent).toContain("theirs"); // still shown
  });
});
