// Drives the candidate page's device check in Debian's headless chromium for
// tests/web/test_candidate_page_device_check.py: the microphone that was opened stops (unplugged, or taken by another
// application) while the check shows. What the screen says, and whether the interview still starts by voice once a
// microphone opens again. New browser contexts per scenario; prints one JSON line as tests/web/conftest.py's run_driver
// expects.
"use strict";
const { record, newContext, watch, drive } = require("./page_harness.cjs");

/** Keeps every microphone stream the page opens (`window.__streams`), so the driver can end one as an unplugged
 * device does: the track stops and fires `ended` (a page's own `stop()` fires none). */
const KEEP_STREAMS = () => {
  window.__streams = [];
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    window.__streams.push(stream);
    return stream;
  };
};

const screenText = (page) =>
  page.evaluate(() => ({
    heard: document.getElementById("mic-heard").textContent,
    fix: document.getElementById("mic-fix").hidden
      ? null
      : document.getElementById("mic-fix").textContent,
    request: document.getElementById("mic-request").textContent,
  }));

async function microphoneUnplugged(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.addInitScript(KEEP_STREAMS);
  await page.goto(plan.url);
  await page.waitForSelector("#device-check:not([hidden])");
  await page.click("#mic-request");
  await page.waitForFunction(
    () =>
      document.getElementById("mic-heard").textContent === "We can hear you.",
    null,
    {
      timeout: 20_000,
    },
  );
  const out = { opened: await screenText(page) };
  await page.evaluate(() => {
    for (const track of window.__streams.at(-1).getAudioTracks()) {
      track.stop();
      track.dispatchEvent(new Event("ended"));
    }
  });
  await page.waitForTimeout(500);
  out.unplugged = await screenText(page);
  await record(page, "microphone-stopped");
  await page.click("#start-voice");
  out.entered = await page
    .waitForFunction(
      () => document.getElementById("question-title")?.textContent,
      null,
      { timeout: 60_000 },
    )
    .then(() => true)
    .catch(() => false);
  out.streams_opened = await page.evaluate(() => window.__streams.length);
  await context.close();
  return out;
}

module.exports = drive(module, { microphoneUnplugged });
