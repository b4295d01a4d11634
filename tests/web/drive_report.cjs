// Drives the report page in headless Debian chromium with playwright-core (from web/node_modules) and prints what it
// saw as one JSON line; tests/web/test_report_page.py runs it in browser_host.cjs's one browser instead, a new context
// per scenario. Assertions live in the Python test.
//   node drive_report.cjs '{"scenario": "report", "url": "...", "times": [..], "screenshots": "dir or null"}'
//   node drive_report.cjs '{"scenario": "pages", "urls": {"name": "...", ...}}'
//   node drive_report.cjs '{"scenario": "deletions", "url": "...", "steps": [t, "scroll", ...]}'
//   node drive_report.cjs '{"scenario": "paint", "pages": {"label": {"url": "...", "check": "...", "targets": {}}}}'
//   node drive_report.cjs '{"scenario": "clicks", "url": "...", "clicks": ["css selector", ...]}'
//   node drive_report.cjs '{"scenario": "fallback", "url": "...", "javascript": false, "visible": [..], "follow": [..]}'
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const WEB = path.resolve(__dirname, "../../web");
const { chromium } = require(
  require.resolve("playwright-core", { paths: [WEB] }),
);

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const VIEWPORTS = {
  desktop: { width: 1440, height: 900 },
  tablet: { width: 768, height: 1024 },
};

async function accessibility(page) {
  const source = fs.readFileSync(
    require.resolve("axe-core/axe.min.js", { paths: [WEB] }),
    "utf8",
  );
  await page.evaluate(source);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    }));
  });
}

/** What the replay shows now: its time, the code lines on screen, the highlighted lines, the current turn. */
function replayState() {
  const lines = [
    ...document.querySelectorAll(".rp-editor .cm-content > .cm-line"),
  ].map((l) => l.textContent);
  return {
    time: window.shadowsReplay.time(),
    scrubber: Number(document.querySelector(".rp-scrubber").value),
    code_lines: lines,
    code_doc: window.shadowsReplay.code(),
    code_seq: document.querySelector(".rp-code-head").dataset.seq ?? null,
    code_head: document.querySelector(".rp-code-head").textContent,
    highlighted: [
      ...document.querySelectorAll(".rp-editor .cm-evidence-line"),
    ].map((l) => l.textContent),
    run: document.querySelector(".rp-run").textContent,
    current_turn:
      document.querySelector("#transcript li.is-current")?.dataset.seq ?? null,
    marks: [...document.querySelectorAll("#transcript mark.evidence-hit")].map(
      (m) => ({
        text: m.textContent,
        seq: m.closest("li")?.dataset.seq ?? null,
        visible: (() => {
          const r = m.getBoundingClientRect();
          const box = document
            .getElementById("transcript")
            .getBoundingClientRect();
          return (
            r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1
          );
        })(),
      }),
    ),
    replay_in_view: (() => {
      const r = document
        .getElementById("replay-section")
        .getBoundingClientRect();
      return r.top < window.innerHeight && r.bottom > 0;
    })(),
  };
}

async function sections(page) {
  return page.evaluate(() => ({
    order: [
      ...document.querySelectorAll(
        "main section[id], main > .replay-grid > section[id]",
      ),
    ].map((s) => s.id),
    headings: [...document.querySelectorAll("main h2")].map((h) =>
      h.textContent.trim(),
    ),
    evidence: [...document.querySelectorAll("a[data-evidence]")].map((a) => {
      const q = a.querySelector(".evidence-quote");
      const r = q.getBoundingClientRect();
      return {
        seq: Number(a.dataset.seq),
        type: a.dataset.type,
        t: a.dataset.t === undefined ? null : Number(a.dataset.t),
        quote: a.dataset.quote,
        shown: q.textContent,
        visible:
          r.width > 0 &&
          r.height > 0 &&
          getComputedStyle(q).visibility !== "hidden",
        href: a.getAttribute("href"),
      };
    }),
    transcript: [...document.querySelectorAll("#transcript li.turn")].map(
      (li) => {
        // The words as said: each line's mark (api/report_lines.py) is the page's, not the speaker's.
        const words = li.querySelector(".turn-text").cloneNode(true);
        for (const mark of words.querySelectorAll(".turn-mark")) mark.remove();
        return { seq: Number(li.dataset.seq), text: words.textContent };
      },
    ),
    text: document.body.innerText,
    has_pills: document.querySelectorAll(".pill").length,
    title: document.title,
  }));
}

async function report(page, plan) {
  const out = { requests: [] };
  page.on("request", (r) =>
    out.requests.push({
      url: r.url(),
      referer: r.headers()["referer"] ?? null,
    }),
  );
  const response = await page.goto(plan.url);
  out.status = response.status();
  out.headers = response.headers();
  await page.waitForSelector('#replay[data-state="ready"]', {
    timeout: 60_000,
  });
  out.sections = await sections(page);
  out.charts = await page.evaluate(() => ({
    tests_points:
      window.shadowsReplay.charts.tests.getDatasetMeta(0).data.length,
    tests_values: window.shadowsReplay.charts.tests.data.datasets[0].data,
    phase_bars:
      window.shadowsReplay.charts.phases.getDatasetMeta(0).data.length,
    phase_labels: window.shadowsReplay.charts.phases.data.labels,
  }));
  out.initial = await page.evaluate(replayState);

  // Each kind of evidence link, clicked as a person would.
  out.clicked = {};
  for (const type of ["transcript", "editor_snapshot", "test_run"]) {
    const link = page.locator(`a[data-evidence][data-type="${type}"]`).first();
    if ((await link.count()) === 0) continue;
    await page.evaluate(() => window.scrollTo(0, 0));
    await link.click();
    await page.waitForTimeout(100);
    out.clicked[type] = {
      link: await link.evaluate((a) => ({
        seq: a.dataset.seq,
        t: a.dataset.t,
        quote: a.dataset.quote,
      })),
      ...(await page.evaluate(replayState)),
    };
  }

  // The scrubber at chosen times (as dragging it does: an input event per position).
  out.scrubbed = [];
  for (const t of plan.times) {
    await scrubTo(page, t);
    out.scrubbed.push({ asked: t, ...(await page.evaluate(replayState)) });
  }
  // A real click on the scrubber's track, 60% of the way along.
  const box = await page.locator(".rp-scrubber").boundingBox();
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
  out.track_click = await page.evaluate(replayState);

  // Step between runs, then play at 16x for a moment.
  await page.evaluate(() => window.shadowsReplay.seek(0));
  await page.click(".rp-next");
  out.next_run = await page.evaluate(replayState);
  await page.click(".rp-next");
  out.next_run_2 = await page.evaluate(replayState);
  await page.click(".rp-prev");
  out.prev_run = await page.evaluate(replayState);
  await page.evaluate(() => window.shadowsReplay.seek(0));
  await page.selectOption(".rp-speed", "16");
  await page.click(".rp-play");
  await page.waitForFunction(() => window.shadowsReplay.time() > 1, null, {
    timeout: 30_000,
  });
  out.play_label = await page.textContent(".rp-play");
  await page.click(".rp-play");
  const paused = await page.evaluate(() => window.shadowsReplay.time());
  await page.waitForTimeout(300);
  out.play = {
    paused,
    after_pause: await page.evaluate(() => window.shadowsReplay.time()),
    label: await page.textContent(".rp-play"),
  };

  out.accessibility = await accessibility(page);
  if (plan.screenshots) {
    // At a moment worth looking at: the code a citation quotes, highlighted.
    await page
      .locator('a[data-evidence][data-type="editor_snapshot"]')
      .first()
      .click();
    out.screenshots = [];
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(200);
      const file = path.join(
        plan.screenshots,
        `${plan.name || "report"}-${name}-${viewport.width}x${viewport.height}.png`,
      );
      await page.screenshot({ path: file, fullPage: true });
      out.screenshots.push(file);
    }
  }
  return out;
}

/** Each URL in a fresh tab: status, headers, headings, whether a replay started, and the page's text. */
async function pages(page, plan) {
  const seen = {};
  for (const [name, url] of Object.entries(plan.urls)) {
    const tab = await page.context().newPage();
    const response = await tab.goto(url);
    if (plan.wait_replay && plan.wait_replay.includes(name)) {
      await tab.waitForSelector('#replay[data-state="ready"]', {
        timeout: 60_000,
      });
    }
    if (plan.wait_charts && plan.wait_charts.includes(name)) {
      await tab.waitForSelector('body[data-charts="ready"]', {
        timeout: 60_000,
      });
    }
    seen[name] = {
      status: response.status(),
      headers: response.headers(),
      h1: await tab.evaluate(
        () => document.querySelector("h1")?.textContent ?? null,
      ),
      replay_state: await tab.evaluate(
        () => document.getElementById("replay")?.dataset.state ?? null,
      ),
      analytics: await tab.evaluate(() =>
        window.shadowsAnalytics
          ? Object.fromEntries(
              Object.entries(window.shadowsAnalytics.charts).map(([k, c]) => [
                k,
                c.data.datasets.map((d, i) => ({
                  label: d.label,
                  drawn: c.getDatasetMeta(i).data.length,
                  data: d.data,
                })),
              ]),
            )
          : null,
      ),
      ...(await sections(tab)),
    };
    if (plan.axe) seen[name].accessibility = await accessibility(tab);
    await tab.close();
  }
  return seen;
}

/** A report of hostile candidate content: whether any of it ran, what the page shows of the characters that change
 *  how text reads, and whether anything is wider than the viewport at each width. */
async function hostile(page, plan) {
  await page.goto(plan.url);
  await page.waitForSelector('#replay[data-state="ready"]', {
    timeout: 60_000,
  });
  await page.evaluate((t) => window.shadowsReplay.seek(t), plan.seek);
  await page.waitForTimeout(200);
  const out = await page.evaluate(() => ({
    ran: window.__hostile ?? null,
    h1: document.querySelector("h1").textContent,
    markers: [...document.querySelectorAll(".hidden-char")].map(
      (m) => m.textContent,
    ),
    replay_special: [
      ...document.querySelectorAll(".rp-editor .cm-specialChar"),
    ].map((m) => m.title),
    replay_text: window.shadowsReplay.code(),
  }));
  // A citation of words that hold a hidden character: the words are found and marked, the marker with them.
  await page
    .locator(`a[data-evidence][data-seq="${plan.cite_seq}"]`)
    .first()
    .click();
  out.cited = await page.evaluate(() =>
    [...document.querySelectorAll("#transcript mark.evidence-hit")].map(
      (m) => ({
        text: m.textContent,
        markers: [...m.querySelectorAll(".hidden-char")].map(
          (h) => h.textContent,
        ),
      }),
    ),
  );
  await page.evaluate((t) => window.shadowsReplay.seek(t), plan.seek);
  out.overflow = {};
  for (const width of plan.widths) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(200);
    out.overflow[width] = await page.evaluate(() => ({
      scroll_width: document.documentElement.scrollWidth,
      wider: [...document.querySelectorAll("body *")]
        .filter(
          (e) =>
            e.getBoundingClientRect().right > window.innerWidth + 1 &&
            !e.closest(".cm-scroller, pre"),
        )
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`)
        .slice(0, 5),
    }));
    if (plan.screenshots)
      await page.screenshot({
        path: path.join(plan.screenshots, `hostile-${width}.png`),
        fullPage: false,
      });
  }
  // As printed (the PDF): nothing cut off at the edge of the paper, the printed code included.
  await page.setViewportSize({ width: 700, height: 1000 });
  await page.emulateMedia({ media: "print" });
  await page.waitForTimeout(200);
  out.printed = await page.evaluate(() => ({
    clipped: [...document.querySelectorAll("body *")]
      .filter(
        (e) =>
          e.getBoundingClientRect().right > window.innerWidth + 1 ||
          e.scrollWidth > e.clientWidth + 1,
      )
      .filter(
        (e) => e.getClientRects().length > 0 && !e.closest(".screen-only"),
      )
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`)
      .slice(0, 5),
    code: document.querySelector("pre.code")?.textContent ?? null,
  }));
  return out;
}

/** Each turn as a reader sees it (its frame's colours, its lines as rendered and as copied, on screen and printed),
 *  then a citation of words spanning lines of one turn clicked: what the replay marks. */
async function turns(page, plan) {
  await page.goto(plan.url);
  await page.waitForSelector('#replay[data-state="ready"]', {
    timeout: 60_000,
  });
  const look = () =>
    page.evaluate(() =>
      [...document.querySelectorAll("#transcript li.turn")].map((li) => {
        const style = getComputedStyle(li);
        const text = li.querySelector(".turn-text");
        const range = document.createRange();
        range.selectNodeContents(text);
        return {
          seq: li.dataset.seq,
          role: li.classList.contains("turn-candidate")
            ? "candidate"
            : "interviewer",
          border: [
            style.borderTopColor,
            style.borderRightColor,
            style.borderBottomColor,
            style.borderLeftColor,
          ],
          border_widths: [style.borderTopWidth, style.borderLeftWidth],
          lines: text.innerText.split("\n"),
          copied: range.toString(),
        };
      }),
    );
  const out = { screen: await look() };
  await page
    .locator(`a[data-evidence][data-seq="${plan.cite_seq}"]`)
    .first()
    .click();
  await page.waitForTimeout(100);
  out.cited = await page.evaluate(() =>
    [...document.querySelectorAll("#transcript mark.evidence-hit")].map((m) => {
      const words = m.cloneNode(true);
      for (const mark of words.querySelectorAll(".turn-mark")) mark.remove();
      return { seq: m.closest("li").dataset.seq, words: words.textContent };
    }),
  );
  await page.emulateMedia({ media: "print" });
  await page.waitForTimeout(200);
  out.printed = await look();
  return out;
}

/** The replay's deleted code (the merge view's widgets, outside the editor's document) and the current code's
 *  hidden-character placeholders, at each step of `plan.steps`: a time to seek to, or "scroll" (the editor's scroller
 *  to its end, which draws the chunks that were out of view). With `plan.order`, each step also has where the
 *  characters of each line holding a right-to-left letter are drawn (`drawnOrder`). */
async function deletions(page, plan) {
  await page.goto(plan.url);
  await page.waitForSelector('#replay[data-state="ready"]', {
    timeout: 60_000,
  });
  const settled = () =>
    page.evaluate(
      () =>
        new Promise((r) =>
          requestAnimationFrame(() => requestAnimationFrame(r)),
        ),
    );
  // CodeMirror draws only the lines near what is in the window: the editor in view, as a reviewer reads it.
  await page.evaluate(() =>
    document.querySelector(".rp-editor").scrollIntoView(),
  );
  const steps = [];
  for (const step of plan.steps) {
    if (step === "scroll") {
      await page.evaluate(() => {
        const scroller = document.querySelector(".rp-editor .cm-scroller");
        scroller.scrollTop = scroller.scrollHeight;
      });
    } else {
      await page.evaluate((t) => window.shadowsReplay.seek(t), step);
    }
    await settled();
    await page.waitForTimeout(150);
    await settled();
    steps.push(
      await page.evaluate(() => {
        const placeholder = (m) => ({
          class: m.className,
          title: m.title,
          text: m.textContent,
        });
        // A line as drawn: each placeholder as "◊", the rest as its text.
        const drawn = (line) => {
          const copy = line.cloneNode(true);
          copy
            .querySelectorAll(".cm-specialChar")
            .forEach((m) => m.replaceWith("◊"));
          return copy.textContent;
        };
        const lines = (all) =>
          [...all].map((line) => ({
            drawn: drawn(line),
            placeholders: [...line.querySelectorAll(".cm-specialChar")].map(
              placeholder,
            ),
          }));
        return {
          doc: window.shadowsReplay.code(),
          head: document.querySelector(".rp-code-head").textContent,
          placeholders: document.querySelectorAll(".rp-editor .cm-specialChar")
            .length,
          chunks: [
            ...document.querySelectorAll(".rp-editor .cm-deletedChunk"),
          ].map((chunk) => ({
            raw: chunk.textContent,
            highlighted_spans: [...chunk.querySelectorAll("span")].filter((s) =>
              [...s.classList].some((c) => !c.startsWith("cm-")),
            ).length,
            lines: lines(chunk.querySelectorAll(".cm-deletedLine")),
          })),
          current: lines(
            document.querySelectorAll(".rp-editor .cm-content > .cm-line"),
          ),
        };
      }),
    );
    if (plan.order)
      steps.at(-1).order = await page.evaluate(
        drawnOrder,
        ".rp-editor .cm-content > .cm-line, .rp-editor .cm-deletedLine",
      );
  }
  if (!plan.order) return { steps };
  // The final code as printed (the PDF), its characters where the paper has them.
  await page.emulateMedia({ media: "print" });
  return { steps, printed: await page.evaluate(drawnOrder, "pre.code code") };
}

/** Where each character of the elements at `selector` that hold a right-to-left letter is drawn: per element, its
 *  first 400 characters in the order written, each with the left and top of its box, so that a test can tell code
 *  drawn in another order than it was written. */
function drawnOrder(selector) {
  const rtl = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe]/;
  return [...document.querySelectorAll(selector)]
    .filter((line) => rtl.test(line.textContent))
    .map((line) => {
      const chars = [];
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.data.length && chars.length < 400; i += 1) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const box = range.getBoundingClientRect();
          chars.push([node.data[i], box.left, box.top]);
        }
      }
      return {
        deleted: line.classList.contains("cm-deletedLine"),
        written_order: line.classList.contains("cm-written-order"),
        chars,
      };
    });
}

/** The bounding box of the pixels that differ between two PNG screenshots (decoded in a blank page), or null. */
async function diffBox(blank, a, b) {
  return blank.evaluate(
    async ([one, two]) => {
      const pixels = async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(
          new Blob([bytes], { type: "image/png" }),
        );
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
          if (
            p.data[i] === q.data[i] &&
            p.data[i + 1] === q.data[i + 1] &&
            p.data[i + 2] === q.data[i + 2]
          )
            continue;
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

async function paintedBox(page, blank, selector, check) {
  // The first element of the selector's that is displayed (the page holds a line as shown and as printed), a third
  // of the way down the window and of any scroll box it is in, so that what it paints above and below is on screen.
  const rect = await page.evaluate((sel) => {
    for (const old of document.querySelectorAll("[data-paint-target]"))
      old.removeAttribute("data-paint-target");
    const el = [...document.querySelectorAll(sel)].find(
      (e) => e.getClientRects().length > 0,
    );
    if (!el) return null;
    el.setAttribute("data-paint-target", "");
    document.documentElement.style.scrollBehavior = "auto";
    for (let box = el.parentElement; box; box = box.parentElement) {
      if (
        box.scrollHeight > box.clientHeight &&
        getComputedStyle(box).overflowY !== "visible"
      ) {
        box.style.scrollBehavior = "auto";
        box.scrollTop +=
          el.getBoundingClientRect().top -
          box.getBoundingClientRect().top -
          box.clientHeight / 3;
      }
    }
    window.scrollBy(0, el.getBoundingClientRect().top - window.innerHeight / 3);
    const r = el.getBoundingClientRect();
    return {
      left: r.left,
      top: r.top,
      right: r.right,
      bottom: r.bottom,
      overflow: getComputedStyle(el).overflow,
    };
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
    ? Math.max(
        rect.left - diff.left,
        rect.top - diff.top,
        diff.right - rect.right,
        diff.bottom - rect.bottom,
        0,
      )
    : 0;
  return { rect, diff, outside };
}

/** Where candidate-written text paints: for each page and each element named, a screenshot with it shown and one
 * with it hidden (`visibility: hidden` keeps the layout), and the box of the pixels that differ, which must lie inside
 * the element's own box ("contained"); or, for "unclipped", one with its clip lifted, where nothing may differ. A
 * stack of combining marks (zalgo) draws far above and below its line; unclipped, it covered the lines around it.
 *   {"scenario": "paint", "pages": {"label": {"url": "...", "check": "contained" | "unclipped",
 *                                              "targets": {"name": "css selector", ...}}}} */
async function paint(page, plan) {
  await page.setViewportSize({ width: 1280, height: 1000 });
  const blank = await page.context().newPage();
  await page.bringToFront();
  const result = {};
  for (const [label, { url, check, targets }] of Object.entries(plan.pages)) {
    await page.emulateMedia({ media: "screen" });
    await page.goto(url);
    await page.waitForSelector('#replay[data-state="ready"]', {
      timeout: 60_000,
    });
    result[label] = {};
    for (const media of ["screen", "print"]) {
      await page.emulateMedia({ media });
      result[label][media] = {};
      for (const [name, selector] of Object.entries(targets)) {
        result[label][media][name] = await paintedBox(
          page,
          blank,
          selector,
          check,
        );
      }
    }
  }
  return result;
}

/** Clicks, one after another, what `plan.clicks` names (CSS selectors: a citation, a replay button), and records the
 *  replay's state after each, with whether its run panel is marked as the one cited. */
async function clicks(page, plan) {
  await page.goto(plan.url);
  await page.waitForSelector('#replay[data-state="ready"]', {
    timeout: 60_000,
  });
  const steps = [];
  for (const selector of plan.clicks) {
    await page.locator(selector).first().click();
    await page.waitForTimeout(100);
    steps.push({
      clicked: selector,
      ...(await page.evaluate(replayState)),
      run_seq: await page.evaluate(
        () => document.querySelector(".rp-run").dataset.seq ?? null,
      ),
      run_cited: await page.evaluate(() =>
        document.querySelector(".rp-run").classList.contains("is-cited"),
      ),
      // The words of each mark's line before it: which place of a quote is marked, when its words occur twice.
      marked_after: await page.evaluate(() =>
        [...document.querySelectorAll("#transcript mark.evidence-hit")].map(
          (m) => {
            const range = document.createRange();
            range.setStart(m.closest(".turn-text"), 0);
            range.setEndBefore(m);
            return range.toString();
          },
        ),
      ),
    });
  }
  return { steps };
}

/** The page without its replay (`"javascript": false`, or its timeline's request refused with `"block_timeline"`):
 *  whether each of `plan.visible` (CSS selectors) is displayed, then each link of `plan.follow` clicked: whether the
 *  element its href names is displayed and in the window. */
async function fallback(page, plan) {
  if (plan.block_timeline)
    await page.route("**/timeline", (route) =>
      route.fulfill({ status: 503, body: "{}" }),
    );
  await page.goto(plan.url);
  if (plan.wait_state)
    await page.waitForSelector(`#replay[data-state="${plan.wait_state}"]`, {
      timeout: 60_000,
    });
  const shown = (selector) =>
    page.evaluate((sel) => {
      const el = document.querySelector(sel);
      return (
        el !== null &&
        el.getClientRects().length > 0 &&
        getComputedStyle(el).visibility !== "hidden"
      );
    }, selector);
  const out = { visible: {}, followed: [] };
  for (const selector of plan.visible)
    out.visible[selector] = await shown(selector);
  for (const selector of plan.follow) {
    await page.evaluate(() => window.scrollTo(0, 0));
    const link = page.locator(selector).first();
    const href = await link.getAttribute("href");
    await link.click();
    await page.waitForTimeout(200);
    out.followed.push({
      link: selector,
      href,
      hash: await page.evaluate(() => location.hash),
      ...(await page.evaluate((id) => {
        const target = document.getElementById(id);
        if (!target) return { target: null };
        const r = target.getBoundingClientRect();
        return {
          target: target.tagName.toLowerCase(),
          text: target.innerText.replace(/\s+/g, " ").trim(),
          displayed: target.getClientRects().length > 0,
          in_window: r.height > 0 && r.top >= 0 && r.top < window.innerHeight,
        };
      }, href.slice(1))),
    });
  }
  return out;
}

/** Launches Debian's chromium as the report's drivers need it. */
function launch() {
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  return chromium.launch({
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** Runs `scenario(page, plan)` in a new context of `browser` with every request off loopback refused, and returns
 * {ok, result | error, page_errors, console_errors, blocked}; the context is closed after. `context` adds to the
 * browser context's options; `ignoreConsole(message)` says which console errors are expected. */
async function session(
  browser,
  plan,
  scenario,
  { context: options = {}, ignoreConsole = () => false } = {},
) {
  const errors = [];
  const consoleErrors = [];
  const blocked = [];
  let context = null;
  try {
    context = await browser.newContext({
      viewport: VIEWPORTS.desktop,
      ...options,
    });
    await context.route("**/*", (route) => {
      const host = new URL(route.request().url()).hostname;
      if (LOOPBACK.has(host) || LOOPBACK.has(`[${host}]`))
        return route.continue();
      blocked.push(host);
      return route.abort();
    });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    context.on("console", (m) => {
      if (m.type() === "error" && !ignoreConsole(m))
        consoleErrors.push(m.text());
    });
    const result = await scenario(page, plan);
    return {
      ok: true,
      result,
      page_errors: errors,
      console_errors: consoleErrors,
      blocked,
    };
  } catch (e) {
    const error = String(e && e.stack ? e.stack : e);
    return {
      ok: false,
      error,
      page_errors: errors,
      console_errors: consoleErrors,
      blocked,
    };
  } finally {
    await context?.close().catch(() => undefined);
  }
}

/** A driver of the report page: `choose(plan)` gives [scenario, options] (see session). Run as a script
 * (`node drive_X.cjs '{plan}'`), it runs the plan in its own browser and prints one JSON line;
 * tests/web/browser_host.cjs instead calls the returned `run` with the one browser it keeps for all of a test
 * process's plans. Shared with drive_report_keys.cjs and the other drive_report_*.cjs:
 * `module.exports = driver(module, (plan) => [...])`. */
function driver(mod, choose) {
  const run = (plan, browsers) =>
    browsers
      .report()
      .then((browser) => session(browser, plan, ...choose(plan)));
  if (require.main === mod) {
    const plan = JSON.parse(process.argv[2]);
    (async () => {
      const browser = await launch();
      try {
        const body = await session(browser, plan, ...choose(plan));
        process.stdout.write(JSON.stringify(body) + "\n");
        if (!body.ok) process.exitCode = 1;
      } finally {
        await browser.close();
      }
    })();
  }
  return { run };
}

/** This driver's scenario for `plan` and its options. */
function choose(plan) {
  const documents = new Set(Object.values(plan.urls || {}));
  const ignoreConsole = (m) =>
    // A link refused on purpose (410, 404) is a failed document load; anything else is a real error.
    (m.text().startsWith("Failed to load resource") &&
      documents.has(m.location().url)) ||
    // The timeline refused on purpose (`fallback` with `block_timeline`): the replay's failure, as it reports it.
    (plan.block_timeline &&
      (m.text().includes("status of 503") ||
        m.text().startsWith("replay: timeline")));
  const scenario = {
    report,
    pages,
    hostile,
    deletions,
    turns,
    paint,
    clicks,
    fallback,
  }[plan.scenario];
  const context = {
    extraHTTPHeaders: plan.headers || {},
    javaScriptEnabled: plan.javascript !== false,
  };
  return [scenario, { context, ignoreConsole }];
}

// Moves the replay's scrubber to `t` seconds as dragging it does: an input event per position.
async function scrubTo(page, t) {
  await page.evaluate((value) => {
    const s = document.querySelector(".rp-scrubber");
    s.value = String(value);
    s.dispatchEvent(new Event("input", { bubbles: true }));
  }, t);
}

// Opens the report at `url` and waits for its replay to be ready; the navigation's response.
async function openReplay(page, url) {
  const response = await page.goto(url);
  await page.waitForSelector('#replay[data-state="ready"]', {
    timeout: 60_000,
  });
  return response;
}

module.exports = {
  accessibility,
  driver,
  launch,
  openReplay,
  scrubTo,
  ...driver(module, choose),
};
