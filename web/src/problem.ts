// The problem panel: title, difficulty, topics, the statement and the visible examples.
import type { Question } from "./api";
import { byId, h, showValue } from "./dom";
import { renderMarkdown } from "./markdown";

export function renderProblem(question: Question): void {
  byId("question-title").textContent = question.title;
  document.title = `${question.title} · Shadows interview`;
  const difficulty = byId("question-difficulty");
  difficulty.textContent = question.difficulty;
  difficulty.dataset.level = question.difficulty.toLowerCase();
  byId("question-topics").replaceChildren(...question.topics.map((t) => h("li", {}, t)));
  const statement = renderMarkdown(question.statement_md);
  const first = statement.firstElementChild;
  if (first?.tagName === "H1" && first.textContent?.trim() === question.title.trim()) first.remove(); // shown above
  byId("question-statement").replaceChildren(statement);

  const params = question.signature.params.map((p) => p.name);
  const tests = question.visible_tests.map((test) =>
    h(
      "li",
      { class: "example", "data-test-id": test.id },
      h("div", { class: "example-id" }, test.id),
      h(
        "dl",
        {},
        ...test.args.flatMap((arg, i) => [
          h("dt", {}, params[i] ?? `arg${i + 1}`),
          h("dd", {}, h("code", {}, showValue(arg))),
        ]),
        h("dt", {}, "expected"),
        h("dd", {}, h("code", {}, showValue(test.expected))),
      ),
    ),
  );
  byId("visible-tests").replaceChildren(...tests);
  const hidden = question.hidden_test_count;
  byId("hidden-tests-note").textContent =
    hidden > 0
      ? `Submit also runs ${hidden} hidden test${hidden === 1 ? "" : "s"}; they report only pass or fail.`
      : "";
}
