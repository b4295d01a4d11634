// The analytics page's chart configurations (Chart.js), from the summary that GET /v1/analytics/summary returns.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  Tooltip,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

interface Distribution {
  average: number | null;
  count: number;
  scores: Record<string, number>;
}
interface QuestionFigures {
  question_id: string;
  slug: string | null;
  title: string | null;
  sessions: number;
  passed: number;
  pass_rate: number | null;
}
export interface Summary {
  by_status: Record<string, number>;
  recommendations: Record<string, number>;
  dimensions: Record<string, Distribution>;
  questions: QuestionFigures[];
}

const BAND_LABELS: Record<string, string> = {
  strong_no_hire: "Strong no hire",
  no_hire: "No hire",
  hire: "Hire",
  strong_hire: "Strong hire",
};
const DIMENSION_LABELS: Record<string, string> = {
  problem_solving: "Problem solving",
  coding: "Coding",
  verification: "Testing and debugging",
  communication: "Communication",
};
const SCORE_COLOURS = ["#b3261e", "#9a4a00", "#1e7a3e", "#12663a"];
const ACCENT = "#2456c7";

const label = (key: string, table: Record<string, string>): string => table[key] ?? key.replace(/_/g, " ");

/** The chart configurations for a summary (exported for unit tests). */
export function configurations(summary: Summary): Record<string, ChartConfiguration<"bar">> {
  const bars = (labels: string[], data: number[], title: string): ChartConfiguration<"bar"> => ({
    type: "bar",
    data: { labels, datasets: [{ label: title, data, backgroundColor: ACCENT }] },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });
  const dimensions = Object.keys(summary.dimensions);
  return {
    statuses: bars(
      Object.keys(summary.by_status).map((s) => s.replace(/_/g, " ")),
      Object.values(summary.by_status),
      "Sessions",
    ),
    recommendations: bars(
      Object.keys(summary.recommendations).map((b) => label(b, BAND_LABELS)),
      Object.values(summary.recommendations),
      "Sessions",
    ),
    dimensions: {
      type: "bar",
      data: {
        labels: dimensions.map((d) => label(d, DIMENSION_LABELS)),
        datasets: ["1", "2", "3", "4"].map((score, i) => ({
          label: `Score ${score}`,
          data: dimensions.map((d) => summary.dimensions[d].scores[score] ?? 0),
          backgroundColor: SCORE_COLOURS[i],
        })),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 } } },
      },
    },
    questions: {
      type: "bar",
      data: {
        labels: summary.questions.map((q) => q.title ?? q.slug ?? q.question_id),
        datasets: [
          {
            label: "Pass rate (%)",
            data: summary.questions.map((q) => Math.round((q.pass_rate ?? 0) * 100)),
            backgroundColor: ACCENT,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: "y",
        scales: { x: { min: 0, max: 100 } },
        plugins: { legend: { display: false } },
      },
    },
  };
}
