// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_leaving.py: what the page
// observed just before it goes (a reload right after a paste, also one of a draft near the 64 KiB keepalive allowance;
// a tab closed while its window had lost the focus) must reach the record; so must the drafts kept as it goes (a tab
// closed on a failing network, a save sent as it reloads landing late). New browser contexts per scenario; prints one JSON line as tests/web/conftest.py's run_driver expects.
"use strict";
const fs = require("node:fs");
const {
  openInterview,
  opened,
  newContext,
  watch,
  drive,
  typeAtFirstLineEnd,
} = require("./page_harness.cjs");

// The page's save status reads "saved" within 15 s (waitSaved throws past it; showsSaved answers false).
const waitSaved = (page) =>
  page.waitForFunction(
    () => document.getElementById("save-status").dataset.state === "saved",
    null,
    { timeout: 15_000 },
  );
const showsSaved = (page) =>
  waitSaved(page)
    .then(() => true)
    .catch(() => false);

/** A paste into the editor, as the browser delivers one (its size is observed, never its text). */
async function paste(page, text) {
  await page.click(".cm-content");
  await pasteHere(page, text);
}

/** The same paste where the editor's selection is now (the whole code after Control+A). */
async function pasteHere(page, text) {
  await page.evaluate((pasted) => {
    const data = new DataTransfer();
    data.setData("text/plain", pasted);
    document.querySelector(".cm-content").dispatchEvent(
      new ClipboardEvent("paste", {
        clipboardData: data,
        bubbles: true,
        cancelable: true,
      }),
    );
  }, text);
}

/** The candidate pastes, then reloads at once (well inside the 5 s between batches) and confirms leaving. */
async function pasteThenReload(browser, plan) {
  const { context, page } = await openInterview(browser, plan);
  await paste(page, plan.paste);
  page.on("dialog", (dialog) => void dialog.accept());
  await page.reload();
  await opened(page);
  await context.close();
  return { reloaded: true };
}

/** The candidate replaces the code with a paste whose draft is just under the browser's 64 KiB allowance for
 * `keepalive` bodies (`plan.draft_bytes` as the page sends it, `{"code": …, "base_revision": 0}`), then reloads at
 * once, before the autosave: the paste's observation and the draft cannot both go. What the page sends as it goes,
 * and what the editor holds and the autosave says after the reload. */
async function bigDraftThenReload(browser, plan) {
  const { context, page } = await openInterview(browser, plan);
  const room =
    plan.draft_bytes - JSON.stringify({ code: "", base_revision: 0 }).length;
  const code = "# " + "keep this line ".repeat(room).slice(0, room - 2);
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await pasteHere(page, code);
  const leaving = [];
  page.on("request", (request) => {
    if (request.method() === "POST" || request.method() === "PUT")
      leaving.push(new URL(request.url()).pathname.split("/").at(-1));
  });
  page.on("dialog", (dialog) => void dialog.accept());
  await page.reload();
  await opened(page);
  // The restored code is saved again (none to save when the draft itself had gone as the page went).
  const saved = await showsSaved(page);
  await context.close();
  return { code_chars: code.length, requests: leaving, saved };
}

/** As bigDraftThenReload, but the network drops the draft saves, and the candidate closes the tab (confirming the
 * browser's prompt) and opens the link again in a new tab of the same browser, the network back; with `plan.elsewhere`, code is typed and saved on another device in between. What
 * the new tab's editor holds, what its autosave says, and what of the copy is left in the browser's storage. */
async function bigDraftThenClose(browser, plan) {
  const { context, page } = await openInterview(browser, plan);
  const room =
    plan.draft_bytes - JSON.stringify({ code: "", base_revision: 0 }).length;
  const code = "# " + "keep this line ".repeat(room).slice(0, room - 2);
  // The network drops the draft saves from now on (in the page: the browser lets requests sent as a page closes
  // bypass the test's routes and offline emulation): the save sent as it goes fails.
  await page.evaluate(() => {
    const real = window.fetch;
    window.fetch = (input, init) =>
      init?.method === "PUT" && String(input).includes("/drafts/")
        ? Promise.reject(new TypeError("Failed to fetch"))
        : real(input, init);
  });
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await pasteHere(page, code);
  await page.waitForFunction(
    () => document.getElementById("save-status").dataset.state === "retrying",
  );
  page.on("dialog", (dialog) => void dialog.accept());
  const closed = page.waitForEvent("close");
  await page.close({ runBeforeUnload: true });
  await closed;
  await new Promise((resolve) => setTimeout(resolve, 500)); // anything it sent as it went fails meanwhile
  if (plan.elsewhere) {
    const other = await openInterview(browser, plan); // another device: a browser of its own
    await typeAtFirstLineEnd(other.page, "  # typed on the other device");
    await waitSaved(other.page);
    await other.context.close();
  }
  const again = await context.newPage();
  watch(again);
  await again.goto(plan.url);
  await opened(again);
  // Nothing to save when code saved elsewhere won (the copy is dropped as the drafts are read, before `opened`).
  const saved = !plan.elsewhere && (await showsSaved(again));
  const shown = await again.evaluate(() => ({
    first_line: document.querySelector(".cm-content .cm-line").textContent,
    kept: Object.keys(localStorage).filter((k) =>
      k.startsWith("shadows.unsaved."),
    ),
  }));
  await context.close();
  return { code_chars: code.length, saved, ...shown };
}

/** The candidate types, then reloads at once (inside the autosave's quiet time), confirming the browser's prompt: the
 * page sends the code as it goes, in a `keepalive` save with the revision it was edited from, and keeps a copy. The
 * test holds that save in the database until the reloaded page has read the drafts (`plan.reopened` is written
 * then), so it lands after them, as on a busy server. What the reloaded page's autosave says, and what it shows. */
async function lateSaveThenReload(browser, plan) {
  const { context, page } = await openInterview(browser, plan);
  await typeAtFirstLineEnd(page, plan.typed);
  page.on("dialog", (dialog) => void dialog.accept());
  await page.reload();
  await opened(page);
  fs.writeFileSync(plan.reopened, "");
  const saved = await showsSaved(page);
  const shown = await page.evaluate(() => ({
    status: document.getElementById("save-status").dataset.state ?? "",
    first_line: document.querySelector(".cm-content .cm-line").textContent,
    kept: Object.keys(localStorage).filter((k) =>
      k.startsWith("shadows.unsaved."),
    ),
  }));
  await context.close();
  return { saved, ...shown };
}

/** The window loses the focus (another application, another window) for `plan.away_ms`, and the interview's tab is
 * closed from there, never focused again. */
async function awayThenClosed(browser, plan) {
  const { context, page } = await openInterview(browser, plan);
  await page.evaluate(() => window.dispatchEvent(new Event("blur")));
  await page.waitForTimeout(plan.away_ms);
  await page.close({ runBeforeUnload: true });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await context.close();
  return { closed: true };
}

/** The page's visibility as the browser would report it on a switch of tabs (headless tabs are all visible). */
async function setHidden(page, hidden) {
  await page.evaluate((value) => {
    Object.defineProperty(document, "hidden", {
      configurable: true,
      get: () => value,
    });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

/** Two tabs of the interview in one browser. The candidate opens the second and works in it while the first is hidden
 * behind it (`plan.away_ms`); back in the first for a moment, then in the second again; then closes the second from
 * another application while the first is still hidden, and comes back to the first `plan.away_ms` later. */
async function twoTabs(browser, plan) {
  const context = await newContext(browser);
  const first = await context.newPage();
  watch(first);
  await first.goto(plan.url);
  await opened(first);
  const second = await context.newPage();
  watch(second);
  await second.goto(plan.url);
  await opened(second); // opened in front: it says so to the first
  await setHidden(first, true);
  await first.waitForTimeout(plan.away_ms); // working in the second tab
  await setHidden(first, false);
  await first.evaluate(() => window.dispatchEvent(new Event("focus"))); // the first in front again
  await setHidden(second, true);
  await setHidden(second, false);
  await second.evaluate(() => window.dispatchEvent(new Event("focus"))); // and the second
  await setHidden(first, true);
  await first.waitForTimeout(500);
  await second.close({ runBeforeUnload: true }); // closed from another application: the first takes over
  await first.waitForTimeout(plan.away_ms);
  await setHidden(first, false);
  await first.waitForTimeout(500);
  await first.close({ runBeforeUnload: true }); // what it observed goes as it goes
  await new Promise((resolve) => setTimeout(resolve, 500));
  await context.close();
  return { done: true };
}

module.exports = drive(module, {
  pasteThenReload,
  bigDraftThenReload,
  bigDraftThenClose,
  lateSaveThenReload,
  awayThenClosed,
  twoTabs,
});
