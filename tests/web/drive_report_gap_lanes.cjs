// Gaps of every kind at once and the scrubber's spoken value, in headless Debian chromium (playwright-core from
// web/node_modules); prints what it saw as one JSON line. Launched by tests/web/test_report_gap_lanes.py.
//   node drive_report_gap_lanes.cjs '{"url": "...", "inside_both": 110, "same_second": [200.1, 200.4, 200.8],
//                                     "play_from": 200, "play_ms": 1300}'
"use strict";
const {
  accessibility: axe,
  driver,
  openReplay,
  scrubTo,
} = require("./drive_report.cjs");

async function scenario(page, plan) {
  const out = {};
  await openReplay(page, plan.url);
  out.steps = await page.evaluate(() =>
    [...document.querySelectorAll(".rp-gap-step")].map((b) =>
      b.textContent.trim(),
    ),
  );
  // Each band's box: one lane per kind, so a restart inside an away spell is not hidden under it.
  out.bands = await page.evaluate(() =>
    [...document.querySelectorAll(".rp-gap-band")].map((b) => {
      const r = b.getBoundingClientRect();
      return {
        kind: ["interviewer_restart", "candidate_left", "candidate_away"].find(
          (k) => b.classList.contains(`rp-gap-${k}`),
        ),
        top: r.top,
        bottom: r.bottom,
        left: r.left,
        right: r.right,
      };
    }),
  );
  await page.evaluate((t) => window.shadowsReplay.seek(t), plan.inside_both);
  await page.waitForTimeout(100);
  out.now = await page.evaluate(
    () => document.querySelector(".rp-gap-now").textContent,
  );
  out.axe = await axe(page);

  // The scrubber's spoken value ("3:20 / 4:50") and the time beside it: count their writes.
  await page.evaluate(() => {
    window.__valuetext = 0;
    window.__clock = 0;
    new MutationObserver((records) => {
      window.__valuetext += records.length;
    }).observe(document.querySelector(".rp-scrubber"), {
      attributes: true,
      attributeFilter: ["aria-valuetext"],
    });
    new MutationObserver((records) => {
      window.__clock += records.length;
    }).observe(document.querySelector(".rp-time"), {
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
  const counts = () =>
    page.evaluate(() => ({
      valuetext: window.__valuetext,
      clock: window.__clock,
      said: document
        .querySelector(".rp-scrubber")
        .getAttribute("aria-valuetext"),
    }));
  const scrub = (t) => scrubTo(page, t);
  await scrub(plan.play_from);
  out.same_second = [await counts()];
  for (const t of plan.same_second) {
    await scrub(t);
    out.same_second.push(await counts());
  }
  const before = await counts();
  const playedFrom = Date.now();
  await page.click(".rp-play");
  await page.waitForTimeout(plan.play_ms);
  await page.click(".rp-play");
  const playedAtMost = Date.now() - playedFrom; // a loaded host's clicks take their time too
  const after = await counts();
  out.play = {
    at_most_ms: playedAtMost,
    valuetext: after.valuetext - before.valuetext,
    clock: after.clock - before.clock,
    frames: await page.evaluate(
      () =>
        new Promise((resolve) => {
          let n = 0;
          const start = performance.now();
          const tick = () => {
            n += 1;
            if (performance.now() - start < 500) requestAnimationFrame(tick);
            else resolve(n * 2);
          };
          requestAnimationFrame(tick);
        }),
    ),
    time: await page.evaluate(() => window.shadowsReplay.time()),
    said: after.said,
  };
  out.axe_after = await axe(page);
  out.text = await page.evaluate(() => document.body.innerText);
  return out;
}

module.exports = driver(module, () => [scenario]);
