// The replay's two charts, drawn by Chart.js: tests passed at each run and submission over time (with the replay's
// position as a vertical line), and the minutes spent in each phase.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartEvent,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  Tooltip,
} from "chart.js";
import { clock, type PhaseSpan, type SeriesPoint } from "./model";

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  BarController,
  BarElement,
  CategoryScale,
  Tooltip,
);

const ACCENT = "#2456c7";
const SUBMIT = "#12663a";

/** The replay's position as a vertical line across the chart area. */
function positionLine(getTime: () => number): Plugin<"line"> {
  return {
    id: "replayPosition",
    afterDatasetsDraw(chart) {
      const x = chart.scales.x.getPixelForValue(getTime());
      const { top, bottom, left, right } = chart.chartArea;
      if (x < left || x > right) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "rgba(29, 36, 48, 0.55)";
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.restore();
    },
  };
}

/** "Run at 3:30", "Submission at 4:20"; the grader's, made after the interview, at no time of it. */
export function pointName(p: SeriesPoint): string {
  const what = p.kind === "submit" ? "Submission" : "Run";
  return p.by === "grader" ? `${what} by the grader, after the interview` : `${what} at ${clock(p.t)}`;
}

export function testsChart(
  canvas: HTMLCanvasElement,
  points: SeriesPoint[],
  duration: number,
  getTime: () => number,
  onPick: (point: SeriesPoint) => void,
): Chart<"line"> {
  const most = Math.max(1, ...points.map((p) => p.total));
  return new Chart(canvas, {
    type: "line",
    data: {
      datasets: [
        {
          label: "Tests passed",
          data: points.map((p) => ({ x: p.t, y: p.passed })),
          borderColor: ACCENT,
          backgroundColor: points.map((p) => (p.kind === "submit" ? SUBMIT : ACCENT)),
          pointStyle: points.map((p) => (p.kind === "submit" ? "rectRot" : "circle")),
          pointRadius: 5,
          pointHoverRadius: 7,
          stepped: false,
          tension: 0,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: {
          type: "linear",
          min: 0,
          max: duration,
          ticks: { callback: (value) => clock(Number(value)), maxTicksLimit: 8 },
          title: { display: true, text: "Interview time" },
        },
        y: { min: 0, suggestedMax: most, ticks: { precision: 0 }, title: { display: true, text: "Tests passed" } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item) => {
              const p = points[item.dataIndex];
              return `${pointName(p)}: ${p.passed}/${p.total}`;
            },
          },
        },
      },
      onClick: (_event: ChartEvent, elements) => {
        const hit = elements[0];
        if (hit) onPick(points[hit.index]);
      },
    },
    plugins: [positionLine(getTime)],
  });
}

export function phaseChart(canvas: HTMLCanvasElement, spans: PhaseSpan[]): Chart<"bar"> {
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels: spans.map((s) => s.phase.replace(/_/g, " ")),
      datasets: [
        { label: "Minutes", data: spans.map((s) => Math.round((s.seconds / 60) * 10) / 10), backgroundColor: ACCENT },
      ],
    },
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { min: 0, title: { display: true, text: "Minutes" } } },
      plugins: {
        tooltip: { callbacks: { label: (item) => `${clock(spans[item.dataIndex].seconds)} (m:ss)` } },
      },
    },
  });
}
