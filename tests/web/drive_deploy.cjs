// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_deploy.py: what a
// candidate meets while a rolling deploy runs, replicas of two releases answering the page in turn. The page's
// script answered 404 (an old replica, asked for a newer release's asset), and a consent refused as
// `notice_changed` while the joins keep handing out the very text on screen. Prints one JSON line as
// tests/web/conftest.py's run_driver expects.
"use strict";
const { record, newContext, watch, drive } = require("./page_harness.cjs");

const slowShown = (page) =>
  page.evaluate(() => {
    const slow = document.querySelector("#loading .loading-slow");
    return slow ? getComputedStyle(slow).visibility === "visible" : null;
  });

/** The candidate bundle answered 404 until `plan.missing_s` have passed, then served: the loading line's own
 * stylesheet says what to do, and a reload (the invite still in the address) opens the interview. */
async function scriptMissing(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  const missing = [];
  await page.route(/\/assets\/candidate-[^/]+\.js$/, (route) => {
    missing.push(route.request().url());
    return route.fulfill({
      status: 404,
      contentType: "text/plain",
      body: "Not Found",
    });
  });
  await page.goto(plan.url);
  const early = await slowShown(page);
  const said = await page
    .waitForFunction(
      () => {
        const slow = document.querySelector("#loading .loading-slow");
        return slow && getComputedStyle(slow).visibility === "visible";
      },
      null,
      { timeout: 30_000 },
    )
    .then(() => true)
    .catch(() => false);
  const text = (await page.textContent("#loading")).replace(/\s+/g, " ").trim();
  await record(page, "script-missing");
  const href = page.url();
  await page.unroute(/\/assets\/candidate-[^/]+\.js$/);
  await page.reload();
  await page.waitForSelector("#welcome:not([hidden])", { timeout: 30_000 });
  const reopened = {
    loading_hidden: await page.evaluate(
      () => document.getElementById("loading").hidden,
    ),
    slow_shown: await slowShown(page),
  };
  await context.close();
  return {
    missing: missing.length,
    early,
    said,
    text,
    href_has_invite: href.includes("#invite="),
    reopened,
  };
}

const consentState = (page) =>
  page.evaluate(() => ({
    error: document.getElementById("consent-error").textContent,
    ticked: document.getElementById("consent-check").checked,
    disabled: document.getElementById("consent-continue").disabled,
    busy: document.getElementById("consent-continue").getAttribute("aria-busy"),
    notice: document
      .getElementById("welcome-notice")
      .textContent.replace(/\s+/g, " ")
      .trim()
      .slice(0, 80),
    welcome: !document.getElementById("welcome").hidden,
  }));

/** Every consent answered 409 `notice_changed` by "an old replica" (the route) while the real API answers the joins
 * with the text on screen; then the deploy is over (the route goes) and Continue, pressed again, goes through. */
async function noticeBounce(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  let joins = 0;
  const sent = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/v1/join"))
      joins += 1;
  });
  let joinsAtRefusal = null; // joins before: the page's own glance at a key press is not the refusal's
  const refuse = (route) => {
    sent.push(route.request().postDataJSON());
    joinsAtRefusal = joins;
    return route.fulfill({
      status: 409,
      contentType: "application/json",
      body: JSON.stringify({
        error: {
          code: "notice_changed",
          message: "The notice has changed; read it again.",
        },
      }),
    });
  };
  await page.route("**/consent", refuse);
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  const before = await consentState(page);
  await page.check("#consent-check");
  await page.focus("#consent-continue");
  // Continue is pressed without a key or pointer event: either is the candidate turning to the page, whose session
  // check (sessionwatch.ts `glance`) is due at the last check + 5 s, and on a loaded machine it landed among the
  // refusal's own asks counted below. The page's periodic check is 15 s after its first join.
  await page.$eval("#consent-continue", (button) => button.click());
  await page.waitForFunction(
    () =>
      document
        .getElementById("consent-error")
        .textContent.includes("being updated"),
    null,
    { timeout: 30_000 },
  );
  const refused = {
    ...(await consentState(page)),
    joins: joins - joinsAtRefusal,
  };
  await record(page, "notice-bounce-refused");
  // No more joins or consents by themselves while nobody presses anything.
  await page.waitForTimeout(6_000);
  const settled = { ...(await consentState(page)), consents: sent.length };
  const focus = await page.evaluate(() => document.activeElement?.id ?? null);
  await page.unroute("**/consent", refuse);
  let agreedStatus = null;
  page.on("response", (response) => {
    if (response.url().endsWith("/consent")) agreedStatus = response.status();
  });
  await page.click("#consent-continue");
  await page.waitForSelector("#device-check:not([hidden])", {
    timeout: 30_000,
  });
  await context.close();
  return { before, refused, settled, focus, sent, agreedStatus };
}

module.exports = drive(module, { scriptMissing, noticeBounce });
