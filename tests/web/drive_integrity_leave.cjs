// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_leaving.py: what the page
// observed just before it goes (a reload right after a paste, also one of a draft near the 64 KiB keepalive allowance;
// a tab closed while its window had lost the focus) must reach the record. One browser per scenario; prints one JSON line as tests/web/conftest.py's run_driver expects.
"use strict";
const {
  openInterview,
  opened,
  newContext,
  watch,
  drive,
} = require("./drive_page.cjs");

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
  const saved = await page
    .waitForFunction(
      () => document.getElementById("save-status").dataset.state === "saved",
      null,
      { timeout: 15_000 },
    )
    .then(() => true)
    .catch(() => false);
  await context.close();
  return { code_chars: code.length, requests: leaving, saved };
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

drive({ pasteThenReload, bigDraftThenReload, awayThenClosed, twoTabs });
