// The candidate page by keyboard alone (a scenario of drive_page.cjs): the Tab order round every screen, where the
// skip link leads, where focus goes as screens change, and what a screen reader names each stop.
"use strict";
const { record, newContext, watch, opened } = require("./page_harness.cjs");

/** Where focus is: the element, whether a sighted keyboard user can see it, what a screen reader names it, and
 * which screen of the page holds it. */
function focusedElement(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement)
      return { id: "BODY", visible: false, name: "" };
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const inViewport =
      r.bottom > 0 &&
      r.right > 0 &&
      r.top < window.innerHeight &&
      r.left < window.innerWidth;
    const visible =
      r.width > 0 &&
      r.height > 0 &&
      inViewport &&
      style.visibility !== "hidden" &&
      !el.closest("[hidden]") &&
      (el.checkVisibility
        ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
        : true);
    const labelled = (el.getAttribute("aria-labelledby") || "")
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent || "")
      .join(" ");
    const name = (
      el.getAttribute("aria-label") ||
      labelled ||
      (el.labels && el.labels.length
        ? [...el.labels].map((l) => l.textContent).join(" ")
        : "") ||
      (el.tagName === "SELECT" ? "" : el.textContent) ||
      el.getAttribute("title") ||
      ""
    )
      .replace(/\s+/g, " ")
      .trim();
    const screen = el.closest(
      "#loading, #notice, #welcome, #device-check, #app, #finished, #laptop-note, header, dialog",
    );
    return {
      id: el.classList.contains("cm-content")
        ? "editor"
        : el.classList.contains("skip-link")
          ? "skip-link"
          : el.id || el.tagName,
      visible,
      name,
      screen: screen
        ? screen.id || screen.tagName
        : el.classList.contains("skip-link")
          ? "skip"
          : null,
    };
  });
}

/** Tab from the skip link round the page until it comes back (or `max` stops): every stop on the way. */
async function tabCycle(page, max = 90) {
  await page.focus(".skip-link");
  const stops = [await focusedElement(page)];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const at = await focusedElement(page);
    if (at.id === "skip-link") break;
    stops.push(at);
  }
  return stops;
}

/** The skip link as the candidate meets it on the current screen: what it says, and where Enter on it lands. */
async function skip(page) {
  await page.focus(".skip-link");
  const link = await focusedElement(page);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(100);
  return { link, landed: await focusedElement(page) };
}

/** Every screen by keyboard alone (welcome, device check, the interview at 1280 and 480 px, the end, a refused
 * link): the Tab order round each, where the skip link leads, and where focus goes when the screen changes. */
async function keyboard(browser, plan) {
  const out = {};
  const context = await newContext(browser, {
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  out.welcome = {
    on_open: await focusedElement(page),
    cycle: await tabCycle(page),
    skip: await skip(page),
  };
  await record(page, "kb-01-welcome");
  await page.focus("#consent-check");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  out.welcome.after_check = await focusedElement(page);
  await page.keyboard.press("Enter");

  await page.waitForSelector("#device-check:not([hidden])");
  await page.waitForTimeout(100);
  out.device = {
    on_open: await focusedElement(page),
    cycle: await tabCycle(page),
    skip: await skip(page),
  };
  await record(page, "kb-02-device-check");
  await page.focus(plan.start);
  await page.keyboard.press("Enter");

  await opened(page);
  await page.waitForTimeout(100);
  out.app = {
    on_open: await focusedElement(page),
    cycle: await tabCycle(page, 120),
    skip: await skip(page),
  };
  await record(page, "kb-03-interview");

  // Narrow: the panes are tabs; the Problem pane is brought forward by keyboard, then the skip link is used.
  await page.setViewportSize({ width: 480, height: 900 });
  await page.waitForTimeout(200);
  await page.focus("#tab-code");
  await page.keyboard.press("ArrowLeft");
  out.narrow = {
    problem_tab: await focusedElement(page),
    cycle: await tabCycle(page, 120),
    skip: await skip(page),
  };
  await page.click("#tab-problem");
  out.narrow.heard = await page.evaluate(() => {
    // What a screen reader can still hear with the Interviewer pane hidden: live regions that are rendered.
    const live = [
      ...document.querySelectorAll(
        '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"]',
      ),
    ];
    return live
      .filter((el) => el.checkVisibility())
      .map((el) => el.textContent)
      .join(" | ");
  });
  await record(page, "kb-04-interview-480");
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.focus("#end-interview");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#confirm-dialog[open]");
  out.confirm = { on_open: await focusedElement(page) };
  await page.keyboard.press("Tab");
  out.confirm.next = await focusedElement(page);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#finished:not([hidden])", { timeout: 60_000 });
  await page.waitForTimeout(100);
  out.finished = {
    on_open: await focusedElement(page),
    cycle: await tabCycle(page),
    skip: await skip(page),
  };
  await record(page, "kb-05-finished");

  const refused = await context.newPage();
  watch(refused);
  await refused.goto(plan.refused);
  await refused.waitForSelector("#notice:not([hidden])");
  await refused.waitForTimeout(100);
  out.notice = {
    on_open: await focusedElement(refused),
    cycle: await tabCycle(refused),
    skip: await skip(refused),
  };
  await record(refused, "kb-06-notice");
  await context.close();
  return out;
}

module.exports = { keyboard };
