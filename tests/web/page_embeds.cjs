// The page served to other pages (scenarios of drive_page.cjs): the embed inside host pages at each width, and the
// API reference (/docs, /redoc) from its bundled assets.
"use strict";
const { axe, shot, newContext, watch } = require("./page_harness.cjs");

/** The embed page inside host pages: each width, a disallowed host, and a host that forgot allow="microphone". */
async function embeds(browser, plan) {
  const out = {};
  const context = await newContext(browser, {
    viewport: { width: 1280, height: 1000 },
  });
  const page = await context.newPage();
  watch(page);
  for (const [name, host] of Object.entries(plan.hosts)) {
    await page.goto(host.url);
    await page.waitForTimeout(300);
    const frame = page.frames().find((f) => f.url().startsWith(plan.api));
    if (!host.expect) {
      // Chromium refuses to render the page: the frame shows its error page, never ours.
      await page.waitForTimeout(1000);
      const frames = page.frames().filter((f) => f !== page.mainFrame());
      const ours = [];
      for (const f of frames) {
        const has = await f
          .evaluate(() => !!document.getElementById("app"))
          .catch(() => false);
        ours.push({ url: f.url(), has_page: has });
      }
      out[name] = { frames: ours };
      await shot(page, `embed-${name}`);
      continue;
    }
    if (!frame) throw new Error(`${name}: no frame from the API`);
    await frame.waitForSelector(host.expect, { timeout: 60_000 });
    const seen = await frame.evaluate(() => {
      const d = document.documentElement;
      const rect = (sel) => {
        const el = document.querySelector(sel);
        if (!el || el.offsetParent === null) return null;
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      };
      return {
        width: window.innerWidth,
        scroll_width: d.scrollWidth,
        client_width: d.clientWidth,
        tabs_visible:
          getComputedStyle(document.querySelector(".tabs")).display !== "none",
        clock: rect("#clock"),
        end: rect("#end-interview"),
        run: rect("#run"),
        submit: rect("#submit"),
        tab_problem: rect("#tab-problem"),
        laptop_note: !document.getElementById("laptop-note").hidden,
        embed_problem: document.getElementById("embed-problem").hidden
          ? null
          : document.getElementById("embed-problem").textContent,
        mic_fix: document.getElementById("mic-fix").hidden
          ? null
          : document.getElementById("mic-fix").dataset.problem,
        welcome: !document.getElementById("welcome").hidden,
        device: !document.getElementById("device-check").hidden,
        app: !document.getElementById("app").hidden,
      };
    });
    if (seen.app) {
      await frame.click("#tab-problem");
      seen.problem_after_tab = await frame.evaluate(
        () => document.getElementById("pane-problem").offsetParent !== null,
      );
      seen.scroll_width_problem = await frame.evaluate(
        () => document.documentElement.scrollWidth,
      );
      await frame.click("#tab-code");
    }
    seen.axe = await axe(frame, `embed-${name}`);
    await shot(page, `embed-${name}`);
    out[name] = seen;
  }
  await context.close();
  return out;
}

/** /docs (Swagger UI) and /redoc render from bundled assets; "Authorize" lists our security schemes. */
async function docs(browser, plan) {
  const out = {};
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(`${plan.api}/docs`);
  await page.waitForSelector(".swagger-ui .opblock", { timeout: 60_000 });
  out.operations = await page.$$eval(".swagger-ui .opblock-summary-path", (p) =>
    p.map((x) => x.getAttribute("data-path")),
  );
  await page.click(".swagger-ui .btn.authorize");
  await page.waitForSelector(".swagger-ui .auth-container");
  out.schemes = await page.$$eval(".swagger-ui .auth-container h4", (h) =>
    h.map((x) => x.textContent.trim()),
  );
  await shot(page, "docs-swagger");
  await page.goto(`${plan.api}/redoc`);
  await page.waitForSelector("[role=menuitem], .menu-content li", {
    timeout: 60_000,
  });
  out.redoc_title = await page.textContent("h1");
  await shot(page, "docs-redoc", false); // the whole reference is ~18 MB of PNG, most of this test's CPU
  await context.close();
  return out;
}

module.exports = { embeds, docs };
