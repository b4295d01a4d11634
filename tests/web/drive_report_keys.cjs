// The report page read with the keyboard and a screen reader's eyes, in headless Debian chromium (playwright-core
// from web/node_modules); prints what it saw as one JSON line. Launched by tests/web/test_report_keyboard.py.
//   node drive_report_keys.cjs '{"url": "...", "long_t": 301, "same": [t, ...], "next": t, "play_from": t}'
//   node drive_report_keys.cjs '{"links": {"name": "url#ev-12", ...}, "hash_change": "#ev-9"}'
//   node drive_report_keys.cjs '{"url": "...", "seek": 200, "widths": [375, 320]}'
"use strict";
const {
  accessibility: axe,
  driver,
  openReplay,
  scrubTo,
} = require("./drive_report.cjs");

/** Where the keyboard is: which element, and what of the page it is. */
function focused() {
  const e = document.activeElement;
  return {
    tag: e.tagName.toLowerCase(),
    class: String(e.className),
    seq: e.closest("li[data-seq]")?.dataset.seq ?? null,
    in_code: e.closest(".rp-editor") !== null,
    run: e.classList.contains("rp-run"),
    scrubber: e.classList.contains("rp-scrubber"),
    evidence: e.matches("a[data-evidence]"),
    label: e.getAttribute("aria-label"),
  };
}

async function scenario(page, plan) {
  const out = {};
  await openReplay(page, plan.url);
  const settle = () =>
    page.evaluate(
      () =>
        new Promise((r) =>
          requestAnimationFrame(() => requestAnimationFrame(r)),
        ),
    );
  const scrub = (t) => scrubTo(page, t);

  // A long snapshot on screen: its code scrolls inside the view, and the keyboard must reach it to scroll it.
  await scrub(plan.long_t);
  await settle();
  out.axe = await axe(page);
  await page.focus(".rp-scrubber");
  await page.keyboard.press("Tab");
  out.after_scrubber = await page.evaluate(focused);
  for (let i = 0; i < 3; i += 1) await page.keyboard.press("PageDown");
  await settle();
  out.code_scrolled = await page.evaluate(
    () => document.querySelector(".rp-editor .cm-scroller").scrollTop,
  );
  await scrub(plan.long_t + 0.5); // the replay moves on: the keyboard stays on the code
  await settle();
  out.after_step = await page.evaluate(focused);

  // The run panel is a live region: what changes in it is announced. Count its changes while the words stay.
  await page.evaluate(() => {
    window.__changes = 0;
    new MutationObserver(
      (records) => (window.__changes += records.length),
    ).observe(document.querySelector(".rp-run"), {
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
  const changes = () => page.evaluate(() => window.__changes);
  const said = () =>
    page.evaluate(() => document.querySelector(".rp-run").textContent);
  out.live = { steps: [] };
  for (const t of plan.same) {
    await scrub(t);
    out.live.steps.push({ t, said: await said(), changes: await changes() });
  }
  await scrub(plan.next);
  out.live.next = { said: await said(), changes: await changes() };
  await scrub(plan.play_from);
  const before = await changes();
  // The play button as a screen reader names it, paused and playing: its name, and its pressed state if it has one.
  const button = () =>
    page.evaluate(() => {
      const b = document.querySelector(".rp-play");
      return { name: b.textContent, pressed: b.getAttribute("aria-pressed") };
    });
  out.play_button = [await button()];
  await page.click(".rp-play");
  await page.waitForTimeout(800);
  out.play_button.push(await button());
  await page.click(".rp-play");
  out.play_button.push(await button());
  out.live.play = {
    changes: (await changes()) - before,
    time: await page.evaluate(() => window.shadowsReplay.time()),
  };

  // Each kind of citation, taken with the keyboard: where the focus is after Enter, and after one Tab more.
  out.cited = {};
  for (const type of ["transcript", "editor_snapshot", "test_run"]) {
    await page.evaluate(() => window.scrollTo(0, 0));
    const link = page.locator(`a[data-evidence][data-type="${type}"]`).first();
    await link.focus();
    const seq = await link.getAttribute("data-seq");
    await page.keyboard.press("Enter");
    await page.waitForTimeout(200);
    const at = await page.evaluate(focused);
    await page.keyboard.press("Tab");
    out.cited[type] = { seq, at, then: await page.evaluate(focused) };
  }
  // An integrity observation's time, outside the transcript: the replay moves there, and so does the keyboard.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.locator("#integrity a[data-jump]").first().focus();
  await page.keyboard.press("Enter");
  await page.waitForTimeout(200);
  out.observation = await page.evaluate(focused);
  out.axe_after = await axe(page);
  return out;
}

/** Where the replay opens for each link of `plan.links` (the page's URL with a fragment or a query): its time, the
 *  transcript's current turn (and whether it is in its box's view) and the run shown; then, from the first, the
 *  fragment changed to `plan.hash_change`. */
async function links(page, plan) {
  const out = {};
  const state = () =>
    page.evaluate(() => {
      const turn = document.querySelector("#transcript li.is-current");
      const box = document.getElementById("transcript").getBoundingClientRect();
      const r = turn?.getBoundingClientRect();
      return {
        time: window.shadowsReplay.time(),
        scrubber: document.querySelector(".rp-scrubber").value,
        clock: document.querySelector(".rp-time").value,
        turn: turn?.dataset.seq ?? null,
        turn_in_view: r
          ? r.top >= box.top - 1 && r.bottom <= box.bottom + 1
          : null,
        run: document.querySelector(".rp-run").dataset.seq || null,
      };
    });
  for (const [name, link] of Object.entries(plan.links)) {
    await page.goto("about:blank");
    await page.goto(link);
    await page.waitForSelector('#replay[data-state="ready"]', {
      timeout: 60_000,
    });
    await page.waitForTimeout(200);
    out[name] = await state();
  }
  await page.evaluate((hash) => (location.hash = hash), plan.hash_change);
  await page.waitForTimeout(200);
  out.hash_change = await state();
  return out;
}

/** At each width of `plan.widths` (a phone's), with the replay at `plan.seek`: what of the replay and the transcript
 *  reaches past its section's content box (into its padding, over its border). */
async function phone(page, plan) {
  const out = {};
  await openReplay(page, plan.url);
  await page.evaluate((t) => window.shadowsReplay.seek(t), plan.seek);
  for (const width of plan.widths) {
    await page.setViewportSize({ width, height: 800 });
    await page.waitForTimeout(300);
    out[width] = await page.evaluate(() =>
      ["replay-section", "transcript-section"].map((id) => {
        const section = document.getElementById(id);
        const style = getComputedStyle(section);
        const box = section.getBoundingClientRect();
        const right =
          box.right -
          parseFloat(style.borderRightWidth) -
          parseFloat(style.paddingRight);
        const past = [...section.querySelectorAll("*")]
          .filter(
            (e) =>
              e.getClientRects().length > 0 &&
              !e.closest(".cm-scroller, .transcript"),
          )
          .filter((e) => e.getBoundingClientRect().right > right + 0.5)
          .map(
            (e) =>
              `${e.tagName.toLowerCase()}.${String(e.className).split(" ")[0]}`,
          );
        return {
          id,
          section_right: box.right,
          window: window.innerWidth,
          past: [...new Set(past)].slice(0, 8),
        };
      }),
    );
  }
  return out;
}

/** The replay's position moved from the keyboard alone: from `plan.scrub_from`, each key of `plan.keys` pressed on
 *  the focused scrubber in turn, with the replay's time and what a screen reader hears of the scrubber after it. */
async function scrubKeys(page, plan) {
  await openReplay(page, plan.url);
  await page.evaluate((t) => window.shadowsReplay.seek(t), plan.scrub_from);
  await page.focus(".rp-scrubber");
  const steps = [];
  for (const key of plan.keys) {
    await page.keyboard.press(key);
    steps.push(
      await page.evaluate((pressed) => {
        const s = document.querySelector(".rp-scrubber");
        return {
          key: pressed,
          time: window.shadowsReplay.time(),
          value: Number(s.value),
          text: s.getAttribute("aria-valuetext"),
          focused: document.activeElement === s,
        };
      }, key),
    );
  }
  return { steps, max: await page.$eval(".rp-scrubber", (s) => Number(s.max)) };
}

module.exports = driver(module, (plan) => [
  plan.links ? links : plan.widths ? phone : plan.keys ? scrubKeys : scenario,
  { context: { viewport: { width: 1280, height: 900 } } },
]);
