// The interview layout at any width: three resizable panes from 1100 px, tabs (Problem, Code, Interviewer) below,
// and a note under 600 px that a laptop is recommended. The top bar (timer, call controls) is always visible.
import { byId } from "./dom";

export const WIDE_PX = 1100;
export const SMALL_PX = 600;
const PANES = ["problem", "code", "call"] as const;
type Pane = (typeof PANES)[number];
const SIZES_KEY = "shadows.paneSizes";

export function clampSizes(left: number, right: number): { left: number; right: number } {
  const l = Math.min(60, Math.max(15, left));
  const r = Math.min(40, Math.max(15, right));
  return l + r > 80 ? { left: l, right: 80 - l } : { left: l, right: r };
}

function loadSizes(): { left: number; right: number } {
  try {
    const raw = JSON.parse(window.localStorage.getItem(SIZES_KEY) ?? "null") as {
      left?: unknown;
      right?: unknown;
    } | null;
    if (raw && typeof raw.left === "number" && typeof raw.right === "number") return clampSizes(raw.left, raw.right);
  } catch {
    // unreadable: defaults
  }
  return { left: 30, right: 22 };
}

export class Layout {
  private sizes = loadSizes();
  private active: Pane = "code";
  private readonly wideQuery = window.matchMedia(`(min-width: ${WIDE_PX}px)`);

  constructor(private readonly onResize: (narrow: boolean) => void = () => undefined) {}

  bind(): void {
    const app = byId("app");
    this.apply();
    for (const pane of PANES) {
      const tab = byId(`tab-${pane}`);
      tab.addEventListener("click", () => this.show(pane));
      tab.addEventListener("keydown", (e) => {
        const i = PANES.indexOf(pane);
        const next = e.key === "ArrowRight" ? PANES[(i + 1) % 3] : e.key === "ArrowLeft" ? PANES[(i + 2) % 3] : null;
        if (next) {
          e.preventDefault();
          this.show(next);
          byId(`tab-${next}`).focus();
        }
      });
    }
    this.splitter(byId("split-left"), "left", app);
    this.splitter(byId("split-right"), "right", app);
    const note = byId("laptop-note");
    byId("laptop-note-close").addEventListener("click", () => {
      note.hidden = true;
      note.dataset.dismissed = "1";
    });
    const update = () => {
      note.hidden = note.dataset.dismissed === "1" || window.innerWidth >= SMALL_PX;
      this.onResize(window.innerWidth < SMALL_PX);
      this.show(this.active);
    };
    // The tab strip sticks just under the top bar, whose height grows when it wraps on narrow screens.
    const topbar = document.querySelector<HTMLElement>(".topbar");
    if (topbar && "ResizeObserver" in window) {
      new ResizeObserver(() =>
        document.documentElement.style.setProperty("--topbar-height", `${topbar.offsetHeight}px`),
      ).observe(topbar);
    }
    this.wideQuery.addEventListener("change", update);
    window.addEventListener("resize", update);
    update();
  }

  /** Bring a pane forward (on narrow screens the others hide; on wide ones all stay). */
  show(pane: Pane): void {
    this.active = pane;
    const wide = this.wideQuery.matches;
    for (const p of PANES) {
      const tab = byId(`tab-${p}`);
      tab.setAttribute("aria-selected", String(p === pane));
      tab.tabIndex = p === pane ? 0 : -1;
      byId(`pane-${p}`).classList.toggle("active", wide || p === pane);
    }
  }

  private apply(): void {
    const app = byId("app");
    app.style.setProperty("--left", `${this.sizes.left}%`);
    app.style.setProperty("--right", `${this.sizes.right}%`);
    byId("split-left").setAttribute("aria-valuenow", String(Math.round(this.sizes.left)));
    byId("split-right").setAttribute("aria-valuenow", String(Math.round(this.sizes.right)));
  }

  private set(side: "left" | "right", value: number): void {
    this.sizes = side === "left" ? clampSizes(value, this.sizes.right) : clampSizes(this.sizes.left, value);
    this.apply();
    try {
      window.localStorage.setItem(SIZES_KEY, JSON.stringify(this.sizes));
    } catch {
      // storage disabled: sizes last for this page
    }
  }

  private splitter(handle: HTMLElement, side: "left" | "right", app: HTMLElement): void {
    handle.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      handle.setPointerCapture(e.pointerId);
      const rect = app.getBoundingClientRect();
      const move = (ev: PointerEvent) => {
        const pct = ((ev.clientX - rect.left) / rect.width) * 100;
        this.set(side, side === "left" ? pct : 100 - pct);
      };
      const up = () => {
        handle.removeEventListener("pointermove", move);
        handle.removeEventListener("pointerup", up);
      };
      handle.addEventListener("pointermove", move);
      handle.addEventListener("pointerup", up);
    });
    handle.addEventListener("keydown", (e) => {
      const step = e.key === "ArrowLeft" ? -2 : e.key === "ArrowRight" ? 2 : 0;
      if (!step) return;
      e.preventDefault();
      const current = side === "left" ? this.sizes.left : this.sizes.right;
      this.set(side, current + (side === "left" ? step : -step));
    });
  }
}
