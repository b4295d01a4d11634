// Drives the report page in headless Debian chromium (playwright-core from web/node_modules) and checks where
// candidate-written text paints: for each element named, a screenshot with it shown and one with it hidden
// (`visibility: hidden` keeps the layout), and the box of the pixels that differ, which must lie inside the
// element's own box. A stack of combining marks (zalgo) draws far above and below its line; unclipped, it covered
// the lines around it, the interviewer's next turn or the report's own words. Prints one JSON line.
//   node drive_report_paint.cjs '{"pages": {"label": {"url": "...", "check": "contained" | "unclipped",
//                                                      "targets": {"name": "css selector", ...}}}}'
"use strict";
const path = require("node:path");

const WEB = path.resolve(__dirname, "../../web");
const { chromium } = require(require.resolve("playwright-core", { paths: [WEB] }));

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The bounding box of the pixels that differ between two PNG screenshots (decoded in a blank page), or null. */
async function diffBox(blank, a, b) {
  return blank.evaluate(
    async ([one, two]) => {
      const pixels = async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = canvas.getContext("2d");
        ctx.drawImage(bitmap, 0, 0);
        return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      };
      const p = await pixels(one);
      const q = await pixels(two);
      let box = null;
      for (let y = 0; y < p.height; y += 1) {
        for (let x = 0; x < p.width; x += 1) {
          const i = (y * p.width + x) * 4;
          if (p.data[i] === q.data[i] && p.data[i + 1] === q.data[i + 1] && p.data[i + 2] === q.data[i + 2]) continue;
          if (!box) box = { left: x, top: y, right: x + 1, bottom: y + 1 };
          box.left = Math.min(box.left, x);
          box.top = Math.min(box.top, y);
          box.right = Math.max(box.right, x + 1);
          box.bottom = Math.max(box.bottom, y + 1);
        }
      }
      return box;
    },
    [a.toString("base64"), b.toString("base64")],
  );
}

async function paint(page, blank, selector, check) {
  // The first element of the selector's that is displayed (the page holds a line as shown and as printed), a third
  // of the way down the window and of any scroll box it is in, so that what it paints above and below is on screen.
  const rect = await page.evaluate((sel) => {
    for (const old of document.querySelectorAll("[data-paint-target]")) old.removeAttribute("data-paint-target");
    const el = [...document.querySelectorAll(sel)].find((e) => e.getClientRects().length > 0);
    if (!el) return null;
    el.setAttribute("data-paint-target", "");
    document.documentElement.style.scrollBehavior = "auto";
    for (let box = el.parentElement; box; box = box.parentElement) {
      if (box.scrollHeight > box.clientHeight && getComputedStyle(box).overflowY !== "visible") {
        box.style.scrollBehavior = "auto";
        box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
      }
    }
    window.scrollBy(0, el.getBoundingClientRect().top - window.innerHeight / 3);
    const r = el.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, overflow: getComputedStyle(el).overflow };
  }, selector);
  if (!rect) return { rect: null, diff: null, outside: 0 };
  await page.waitForTimeout(300);
  const target = page.locator("[data-paint-target]");
  const shown = await page.screenshot();
  // "contained": hidden, what differs is all it painted; "unclipped": painted without its clip, nothing differs.
  await target.evaluate((el, how) => {
    if (how === "contained") el.style.visibility = "hidden";
    else el.style.overflow = "visible";
  }, check);
  await page.waitForTimeout(100);
  const other = await page.screenshot();
  await target.evaluate((el) => {
    el.style.visibility = "";
    el.style.overflow = "";
  });
  const diff = await diffBox(blank, shown, other);
  const outside = diff
    ? Math.max(rect.left - diff.left, rect.top - diff.top, diff.right - rect.right, diff.bottom - rect.bottom, 0)
    : 0;
  return { rect, diff, outside };
}

async function main() {
  const plan = JSON.parse(process.argv[2]);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
  const errors = [];
  const consoleErrors = [];
  const blocked = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    await context.route("**/*", (route) => {
      const host = new URL(route.request().url()).hostname;
      if (LOOPBACK.has(host) || LOOPBACK.has(`[${host}]`)) return route.continue();
      blocked.push(host);
      return route.abort();
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    const blank = await context.newPage();
    await page.bringToFront();
    const result = {};
    for (const [label, { url, check, targets }] of Object.entries(plan.pages)) {
      await page.emulateMedia({ media: "screen" });
      await page.goto(url);
      await page.waitForSelector('#replay[data-state="ready"]', { timeout: 60_000 });
      result[label] = {};
      for (const media of ["screen", "print"]) {
        await page.emulateMedia({ media });
        result[label][media] = {};
        for (const [name, selector] of Object.entries(targets)) {
          result[label][media][name] = await paint(page, blank, selector, check);
        }
      }
    }
    process.stdout.write(JSON.stringify({ ok: true, result, page_errors: errors, console_errors: consoleErrors, blocked }) + "\n");
  } catch (e) {
    process.stdout.write(
      JSON.stringify({ ok: false, error: String(e && e.stack ? e.stack : e), page_errors: errors, console_errors: consoleErrors, blocked }) + "\n",
    );
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

main();
