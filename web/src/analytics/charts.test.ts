import { describe, expect, it } from "vitest";
import { configurations, type Summary } from "./charts";

const summary: Summary = {
  by_status: { scheduled: 1, in_progress: 0, completed: 5, abandoned: 1, cancelled: 0 },
  recommendations: { strong_no_hire: 0, no_hire: 2, hire: 3, strong_hire: 1 },
  dimensions: {
    coding: { average: 3, count: 6, scores: { "1": 0, "2": 1, "3": 4, "4": 1 } },
    verification: { average: 2, count: 6, scores: { "1": 1, "2": 4, "3": 1, "4": 0 } },
  },
  questions: [{ question_id: "q", slug: "two-sum", title: "Two Sum", sessions: 4, passed: 3, pass_rate: 0.75 }],
};

describe("analytics charts", () => {
  it("draws every figure of the summary", () => {
    const c = configurations(summary);
    expect(c.statuses.data.datasets[0].data).toEqual([1, 0, 5, 1, 0]);
    expect(c.recommendations.data.labels).toEqual(["Strong no hire", "No hire", "Hire", "Strong hire"]);
    expect(c.dimensions.data.datasets.map((d) => d.data)).toEqual([
      [0, 1],
      [1, 4],
      [4, 1],
      [1, 0],
    ]);
    expect(c.questions.data.datasets[0].data).toEqual([75]);
    expect(c.questions.data.labels).toEqual(["Two Sum"]);
  });
});
