// The replay's gaps in the record (the candidate away, no interviewer), in headless Debian chromium
// (playwright-core from web/node_modules); prints what it saw as one JSON line. Launched by
// tests/web/test_report_gaps.py.
//   node drive_report_gaps.cjs '{"url": "...", "inside": 110}'
"use strict";
const {
  accessibility: axe,
  driver,
  openReplay,
} = require("./drive_report.cjs");

async function scenario(page, plan) {
  const out = {};
  await openReplay(page, plan.url);
  out.bands = await page.evaluate(() =>
    [...document.querySelectorAll(".rp-gap-band")].map((b) => ({
      left: b.style.left,
      width: b.style.width,
      title: b.getAttribute("title"),
      hidden: b.closest("[aria-hidden='true']") !== null,
    })),
  );
  out.steps = await page.evaluate(() =>
    [...document.querySelectorAll(".rp-gap-step")].map((b) =>
      b.textContent.trim(),
    ),
  );
  out.list_label = await page.evaluate(() => {
    const list = document.querySelector(".rp-gaps ul");
    const id = list && list.getAttribute("aria-labelledby");
    return id ? document.getElementById(id).textContent : null;
  });
  out.axe = await axe(page);
  // The keyboard reaches the last gap step and moves the replay there.
  const last = out.steps.length - 1;
  await page.focus(".rp-scrubber");
  let reached = false;
  for (let i = 0; i < 40 && !reached; i += 1) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(
      (n) =>
        document.activeElement === document.querySelectorAll(".rp-gap-step")[n],
      last,
    );
  }
  out.reached = reached;
  await page.keyboard.press("Enter");
  await page.waitForTimeout(200);
  out.after_enter = await page.evaluate(() => ({
    time: window.shadowsReplay.time(),
    now: document.querySelector(".rp-gap-now").textContent,
  }));
  await page.evaluate((t) => window.shadowsReplay.seek(t), plan.outside);
  await page.waitForTimeout(100);
  out.outside = await page.evaluate(
    () => document.querySelector(".rp-gap-now").textContent,
  );
  // The end of the scrubber: the interview's end, where the grader's Submit after it is shown.
  out.end = await page.evaluate(() => {
    window.shadowsReplay.seek(1e9);
    return {
      max: Number(document.querySelector(".rp-scrubber").max),
      time: document.querySelector(".rp-time").value,
      run: document.querySelector(".rp-run").textContent,
    };
  });
  out.axe_after = await axe(page);
  out.text = await page.evaluate(() => document.body.innerText);
  return out;
}

module.exports = driver(module, () => [scenario]);
