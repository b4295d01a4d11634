// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_fresh_round.py, as a
// candidate on a weaker set-up would use it: a slow device (the CPU throttled through the DevTools protocol) typing
// into a long program, and a narrow window (320 px, and a 1280 px window at 200% zoom, i.e. 640 CSS px). Timings are
// measured and returned for the report, never asserted. New browser contexts per scenario; prints one JSON line as
// tests/web/conftest.py's run_driver expects.
"use strict";
const {
  record,
  newContext,
  watch,
  drive,
  opened,
} = require("./page_harness.cjs");

/** Keystroke-to-paint per key: from the keydown to the first animation frame after the editor's DOM changed.
 * Installed once; `window.__paints` is emptied before each measure. */
async function paintLog(page) {
  await page.evaluate(() => {
    window.__paints = [];
    let pressed = null;
    document.addEventListener(
      "keydown",
      () => (pressed = performance.now()),
      true,
    );
    new MutationObserver(() => {
      if (pressed === null) return;
      const at = pressed;
      pressed = null;
      requestAnimationFrame(() => window.__paints.push(performance.now() - at));
    }).observe(document.querySelector(".cm-content"), {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
}

const summary = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) =>
    Math.round(
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? -1,
    );
  return {
    n: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    max: Math.round(sorted.at(-1) ?? -1),
  };
};

/** Types `plan.typed` at the end of a `plan.lines`-line program with the CPU throttled `plan.rate` times (1: none),
 * as a candidate does (`plan.delay_ms` between keys). What the editor holds, what the autosave says, and the paints. */
async function slowDevice(browser, plan) {
  const out = { rates: {} };
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await opened(page);
  const program = Array.from(
    { length: plan.lines },
    (_, i) => `x${i} = ${i}  # line ${i}`,
  ).join("\n");
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(program);
  const cdp = await context.newCDPSession(page);
  await paintLog(page);
  for (const rate of plan.rates) {
    await cdp.send("Emulation.setCPUThrottlingRate", { rate });
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.evaluate(() => (window.__paints = []));
    await page.keyboard.type(`${plan.typed}${rate}`, { delay: plan.delay_ms });
    await page.waitForTimeout(300);
    out.rates[rate] = summary(await page.evaluate(() => window.__paints));
  }
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  out.saved = await page
    .waitForFunction(
      () => document.getElementById("save-status").dataset.state === "saved",
      null,
      {
        timeout: 20_000,
      },
    )
    .then(() => true)
    .catch(() => false);
  out.last_lines = await page.$$eval(".cm-content .cm-line", (lines) =>
    lines.slice(-4).map((l) => l.textContent),
  );
  await context.close();
  return out;
}

/** Every screen the candidate meets, in a `plan.width` x `plan.height` CSS px window: what scrolls sideways, and the
 * controls cut off (partly outside the window's width; wholly outside is hidden by design). axe runs on each (page_harness.cjs's record). */
async function narrow(browser, plan) {
  const context = await newContext(browser, {
    viewport: { width: plan.width, height: plan.height },
  });
  const page = await context.newPage();
  watch(page);
  const out = {};
  const measure = async (name) => {
    await record(page, `${plan.width}-${name}`);
    out[name] = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const cut = [
        ...document.querySelectorAll(
          "button, a, input, select, textarea, [role=tab], h1, h2",
        ),
      ]
        .filter(
          (el) =>
            el.getClientRects().length > 0 &&
            getComputedStyle(el).visibility !== "hidden",
        )
        .filter((el) => {
          const box = el.getBoundingClientRect();
          // Partly outside: cut off. Wholly outside is hidden by design (the skip link until it is focused).
          return (
            box.width > 0 &&
            ((box.left < -1 && box.right > 0) ||
              (box.left < width && box.right > width + 1))
          );
        })
        .map((el) => el.id || el.textContent.trim().slice(0, 30) || el.tagName);
      return {
        sideways: document.documentElement.scrollWidth > width + 1,
        cut,
      };
    });
  };
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  await measure("welcome");
  await page.check("#consent-check");
  await page.click("#consent-continue");
  await page.waitForSelector("#device-check:not([hidden])");
  await measure("device-check");
  await page.click("#start-text");
  await opened(page);
  await measure("interview");
  await context.close();
  return out;
}

/** The network is gone as the candidate presses Run, Submit, then End interview (each confirmed), and back after each
 * has failed: what the page says and offers, then the same press again with the network back. */
async function offlineAtEachPress(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await opened(page);
  const out = {};
  const pane = () =>
    page.evaluate(() => ({
      results: document
        .getElementById("results")
        .textContent.trim()
        .slice(0, 120),
      run_disabled: document.getElementById("run").disabled,
      submit_disabled: document.getElementById("submit").disabled,
      end_disabled: document.getElementById("end-interview").disabled,
    }));
  const failed = () =>
    page.waitForFunction(() =>
      document
        .getElementById("results")
        .textContent.includes("Could not reach"),
    );
  const reported = (prefix) =>
    page.waitForFunction(
      (p) =>
        document
          .querySelector("#results .report-summary")
          ?.textContent.startsWith(p),
      prefix,
      { timeout: 120_000 },
    );
  await context.setOffline(true);
  await page.click("#run");
  await failed();
  out.run_offline = await pane();
  await context.setOffline(false);
  await page.click("#run");
  await reported("Run");
  out.run_online = await pane();
  await context.setOffline(true);
  await page.click("#submit");
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-ok");
  await failed();
  out.submit_offline = await pane();
  await record(page, "submit-offline");
  await context.setOffline(false);
  await page.click("#submit");
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-ok");
  await reported("Submission");
  out.submit_online = await pane();
  await context.setOffline(true);
  await page.click("#end-interview");
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-ok");
  await page.waitForFunction(() =>
    document
      .getElementById("call-detail")
      ?.textContent.includes("could not be ended"),
  );
  out.end_offline = {
    ...(await pane()),
    said: await page.textContent("#call-detail"),
  };
  out.end_offline.finished = await page.isVisible("#finished");
  await context.setOffline(false);
  await page.click("#end-interview");
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-ok");
  await page.waitForSelector("#finished:not([hidden])", { timeout: 60_000 });
  out.end_online = true;
  await context.close();
  return out;
}

module.exports = drive(module, { slowDevice, narrow, offlineAtEachPress });
