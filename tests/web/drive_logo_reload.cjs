// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_logo.py: the
// organisation's logo (an https URL, answered here by the browser context itself, so nothing leaves the machine)
// before the consent, after it, in the interview, and after a reload of the interview. Prints one JSON line as
// tests/web/conftest.py's run_driver expects.
"use strict";
const {
  record,
  newContext,
  watch,
  drive,
  opened,
} = require("./page_harness.cjs");

// A 1x1 PNG: the logo's bytes.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

const logoState = (page) =>
  page.evaluate(() => {
    const logo = document.getElementById("org-logo");
    return {
      hidden: logo.hidden,
      src: logo.getAttribute("src"),
      alt: logo.getAttribute("alt"),
      loaded: logo.complete && logo.naturalWidth > 0,
    };
  });

async function withLogo(context, plan, fetched) {
  const page = await context.newPage();
  watch(page);
  // Page routes come before the context's loopback-only route: the logo's https host is answered here.
  await page.route(`${plan.logo}*`, (route) => {
    fetched.push(route.request().url());
    return route.fulfill({ status: 200, contentType: "image/png", body: PNG });
  });
  return page;
}

const shown = (page) =>
  page
    .waitForFunction(
      () => {
        const logo = document.getElementById("org-logo");
        return !logo.hidden && logo.complete && logo.naturalWidth > 0;
      },
      null,
      { timeout: 10_000 },
    )
    .then(() => true)
    .catch(() => false);

/** The whole way from the welcome to a reload of the running interview, the logo read at each step. */
async function consentStartReload(browser, plan) {
  const context = await newContext(browser);
  const fetched = [];
  const page = await withLogo(context, plan, fetched);
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  const welcome = { ...(await logoState(page)), fetched: fetched.length };
  await page.check("#consent-check");
  await page.click("#consent-continue");
  await page.waitForSelector("#device-check:not([hidden])", {
    timeout: 30_000,
  });
  const agreed = { shown: await shown(page), ...(await logoState(page)) };
  await page.click("#start-text");
  await opened(page);
  const interview = { shown: await shown(page), ...(await logoState(page)) };
  await record(page, "logo-interview");
  await page.reload();
  await opened(page);
  const reloaded = { shown: await shown(page), ...(await logoState(page)) };
  await record(page, "logo-reloaded");
  // A phone's width: the logo beside a long name and the clock, with nothing scrolling sideways.
  await page.setViewportSize({ width: 320, height: 640 });
  await page.waitForTimeout(300);
  const narrow = await page.evaluate(() => {
    const root = document.scrollingElement;
    const logo = document.getElementById("org-logo").getBoundingClientRect();
    return {
      sideways: root.scrollWidth - root.clientWidth,
      logo_inside: logo.left >= 0 && logo.right <= root.clientWidth,
      logo_width: logo.width,
    };
  });
  await record(page, "logo-320");
  await context.close();
  return { welcome, agreed, interview, reloaded, narrow };
}

/** A page opened on an interview already running (started on another visit, or under a notice since replaced). */
async function openRunning(browser, plan) {
  const context = await newContext(browser);
  const fetched = [];
  const page = await withLogo(context, plan, fetched);
  await page.goto(plan.url);
  await opened(page);
  const first = { shown: await shown(page), ...(await logoState(page)) };
  await page.reload();
  await opened(page);
  const reloaded = { shown: await shown(page), ...(await logoState(page)) };
  await record(page, "logo-running-reloaded");
  await context.close();
  return { first, reloaded, fetched: fetched.length };
}

module.exports = drive(module, { consentStartReload, openRunning });
