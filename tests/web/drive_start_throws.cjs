// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_start_throws.py: Start
// with voice, the device check skipped, opens the microphone there, and the browser then fails to list the devices
// (enumerateDevices rejects). What the step shows afterwards is read: its status line, the buttons and the problem
// line. Prints one JSON line as tests/web/conftest.py's run_driver expects.
"use strict";
const { record, newContext, watch, drive } = require("./page_harness.cjs");

const stepState = (page) =>
  page.evaluate(() => {
    const button = (id) => {
      const b = document.getElementById(id);
      return { disabled: b.disabled, busy: b.getAttribute("aria-busy") };
    };
    return {
      status: (
        document.getElementById("start-status")?.textContent ?? ""
      ).trim(),
      problem: (
        document.getElementById("start-problem")?.textContent ?? ""
      ).trim(),
      buttons: {
        "start-voice": button("start-voice"),
        "start-text": button("start-text"),
      },
    };
  });

async function listingFails(browser, plan) {
  const context = await newContext(browser);
  await context.addInitScript(() => {
    const devices = navigator.mediaDevices;
    if (devices)
      devices.enumerateDevices = () =>
        Promise.reject(new DOMException("no list", "NotReadableError"));
  });
  const page = await context.newPage();
  watch(page);
  let starts = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/start"))
      starts += 1;
  });
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  await page.check("#consent-check");
  await page.click("#consent-continue");
  await page.waitForSelector("#device-check:not([hidden])", {
    timeout: 30_000,
  });
  await page.click("#start-voice");
  const settled = await page
    .waitForFunction(
      () => !document.getElementById("start-voice").disabled,
      null,
      { timeout: 5_000 },
    )
    .then(() => true)
    .catch(() => false);
  const out = { settled, after: await stepState(page), starts };
  await record(page, "start-throws");
  await context.close();
  return out;
}

module.exports = drive(module, { listingFails });
