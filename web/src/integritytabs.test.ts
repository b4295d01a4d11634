// @vitest-environment jsdom
// Two tabs of one interview in one browser: the absence is the front tab's to measure (the last whose window had the
// focus). Each tab measured its own, so the one hidden behind the other reported "page hidden" for all the time the
// candidate worked in the other. Here one tab, and what the others tell it (web/src/tabsignal.ts carries it);
// tests/web/test_candidate_page_leaving.py has two real tabs.
import { afterEach, describe, expect, it, vi } from "vitest";
import { IntegrityObserver, type OtherTabs, watchPage } from "./integrity";

type News = "front" | "left";

function tab(opts: { focused?: boolean; hidden?: boolean } = {}) {
  let now = 1_000;
  let focused = opts.focused ?? true;
  let hidden = opts.hidden ?? false;
  vi.spyOn(document, "hasFocus").mockImplementation(() => focused);
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  const observer = new IntegrityObserver({ now: () => now });
  const told: News[] = [];
  let hear: (news: News) => void = () => undefined;
  const others: OtherTabs = { tell: (news) => told.push(news), listen: (listener) => (hear = listener) };
  const stop = watchPage(observer, async () => ({ stored: 1 }), others);
  return {
    observer,
    told,
    stop,
    hear: (news: News) => hear(news),
    advance: (ms: number) => (now += ms),
    blur: () => {
      focused = false;
      window.dispatchEvent(new Event("blur"));
    },
    focus: () => {
      focused = true;
      hidden = false;
      window.dispatchEvent(new Event("focus"));
    },
    hide: () => {
      hidden = true;
      focused = false;
      document.dispatchEvent(new Event("visibilitychange"));
    },
    show: () => {
      hidden = false;
      document.dispatchEvent(new Event("visibilitychange"));
    },
    leave: () => window.dispatchEvent(new Event("pagehide")),
    kinds: () => observer.take().map((o) => [o.kind, o.duration_ms]),
  };
}

describe("absences with another tab of the interview", () => {
  afterEach(() => vi.restoreAllMocks());

  it("are not measured by a tab behind the one the candidate works in", () => {
    const t = tab();
    t.hear("front"); // the candidate opened, or switched to, another tab of the interview
    t.hide(); // this one is hidden behind it
    t.advance(20 * 60_000);
    t.show();
    t.blur();
    t.advance(60_000);
    expect(t.kinds()).toEqual([]);
    t.stop();
  });

  it("end as another tab comes to the front, what came before reported", () => {
    const t = tab();
    t.blur(); // to another application for 40 s, then to the interview's other tab
    t.advance(40_000);
    t.hear("front");
    t.advance(10 * 60_000);
    t.focus();
    expect(t.kinds()).toEqual([["focus_lost", 40_000]]);
    t.stop();
  });

  it("are the front tab's again once it has the focus", () => {
    const t = tab();
    t.hear("front");
    t.focus(); // back in this tab: it tells the others, and measures again
    expect(t.told.at(-1)).toBe("front");
    t.hide();
    t.advance(5_000);
    t.show();
    expect(t.kinds()).toEqual([["page_hidden", 5_000]]);
    t.stop();
  });

  it("are taken over by a tab behind when the front tab goes", () => {
    const t = tab({ focused: false, hidden: true });
    t.hear("front");
    t.hear("left"); // the candidate closed the tab in front from another application
    t.advance(3 * 60_000);
    t.show();
    expect(t.kinds()).toEqual([["page_hidden", 3 * 60_000]]);
    t.stop();
  });

  it("tell the others as a page opens in front and as the front tab goes", () => {
    const opened = tab();
    expect(opened.told).toEqual(["front"]); // a reload is no focus event
    opened.leave();
    expect(opened.told).toEqual(["front", "left"]);
    opened.stop();
    const behind = tab({ focused: false, hidden: true });
    expect(behind.told).toEqual([]);
    behind.hear("front");
    behind.leave(); // a tab behind going changes nothing for the tab in front
    expect(behind.told).toEqual([]);
    behind.stop();
  });

  it("are a single tab's own without other tabs", () => {
    const t = tab();
    t.hide();
    t.advance(3_000);
    t.show();
    expect(t.kinds()).toEqual([["page_hidden", 3_000]]);
    t.stop();
  });
});
