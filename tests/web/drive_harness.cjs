// Scenarios that test the harness itself rather than a page (tests/web/test_browser_host.py): what one plan leaves
// behind in the browser that tests/web/browser_host.cjs keeps open, as the next plan finds it, and a plan that never
// ends. New browser contexts per scenario; prints one JSON line as tests/web/conftest.py's run_driver expects.
"use strict";
const { newContext, watch, drive } = require("./page_harness.cjs");

/** Opens `plan.url`, stores something in every store a page has, and returns with its context and page still open. */
async function leaveOpen(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await page.evaluate(() => {
    localStorage.setItem("left", "behind");
    sessionStorage.setItem("left", "behind");
    document.cookie = "left=behind; max-age=3600";
  });
  return { contexts: browser.contexts().length };
}

/** What a new plan finds: the browser's contexts besides its own, and the stores of the page at `plan.url`. */
async function look(browser, plan) {
  const others = browser.contexts().length;
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  const stores = await page.evaluate(() => ({
    local: localStorage.getItem("left"),
    session: sessionStorage.getItem("left"),
    cookie: document.cookie,
  }));
  return { others, stores };
}

/** Never ends (a page that hangs the driver): the host is stopped when the test's time for it is up. */
function hang() {
  return new Promise(() => undefined);
}

module.exports = drive(module, { leaveOpen, look, hang });
