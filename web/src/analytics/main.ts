// Charts for the server-rendered analytics page (GET /v1/analytics): they read the page's own copy of the summary
// (the JSON of GET /v1/analytics/summary, in #analytics-data) and draw with Chart.js; the tables beside them carry
// the same figures for readers without script.
import { Chart } from "chart.js";
import { configurations, type Summary } from "./charts";

declare global {
  interface Window {
    shadowsAnalytics?: { charts: Record<string, Chart<"bar">> };
  }
}

function boot(): void {
  const source = document.getElementById("analytics-data");
  if (!source?.textContent) return;
  const summary = JSON.parse(source.textContent) as Summary;
  const charts: Record<string, Chart<"bar">> = {};
  for (const [name, config] of Object.entries(configurations(summary))) {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-chart="${name}"] canvas`);
    if (canvas) charts[name] = new Chart(canvas, config);
  }
  window.shadowsAnalytics = { charts };
  document.body.dataset.charts = "ready";
}

boot();
