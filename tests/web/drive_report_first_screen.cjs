// The report's first screen on a laptop, in headless Debian chromium (playwright-core from web/node_modules): where
// the recommendation, the review flag and the dimensions' bands sit, before any scrolling. Prints one JSON line.
// Launched by tests/web/test_report_first_screen.py.
//   node drive_report_first_screen.cjs '{"url": "...", "headers": {...}, "viewports": [{"width": 1366, "height": 657}]}'
"use strict";
const { driver } = require("./drive_report.cjs");

async function scenario(page, plan) {
  const out = [];
  await page.goto(plan.url);
  for (const viewport of plan.viewports) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => window.scrollTo(0, 0));
    out.push(
      await page.evaluate(() => {
        const box = (selector) => {
          const e = document.querySelector(selector);
          if (!e) return null;
          const r = e.getBoundingClientRect();
          return {
            top: r.top,
            bottom: r.bottom,
            text: e.textContent.trim().slice(0, 200),
          };
        };
        return {
          height: window.innerHeight,
          recommendation: box(".recommendation"),
          review: box(".review-flag"),
          bands: box(".band-summary"),
          h1: box("h1"),
          text: document.body.innerText,
        };
      }),
    );
  }
  return out;
}

module.exports = driver(module, (plan) => [
  scenario,
  { context: { extraHTTPHeaders: plan.headers || {} } },
]);
