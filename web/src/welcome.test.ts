// @vitest-environment jsdom
/// <reference types="vite/client" />
import { beforeEach, describe, expect, it } from "vitest";
import type { JoinResponse } from "./api";
import { renderBrand, renderWelcome } from "./welcome";
import page from "../index.html?raw";

const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? "";
const RLO = "\u202e"; // right-to-left override: what follows it reads backwards until a pop or the paragraph's end

function joined(name: string, role: string): JoinResponse {
  return {
    session: { role, duration_minutes: 45, extra_time_minutes: 0, languages: ["python"] },
    organization: { name, logo_url: null },
    notice: { version: "v2", sha256: "x", html: "<p>The interviewer is an AI.</p>" },
  } as unknown as JoinResponse;
}

/** The element whose direction a piece of text takes: the nearest isolating ancestor (bdi), or the paragraph. */
function isolatedIn(container: HTMLElement, needle: string): string {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.textContent?.includes(needle)) return node.parentElement?.closest("bdi") ? "bdi" : "paragraph";
  }
  return "absent";
}

describe("what the organisation wrote, on the welcome", () => {
  beforeEach(() => {
    document.body.innerHTML = body;
  });

  it("keeps a role's or a name's direction to itself: an override cannot reverse the AI disclosure after it", () => {
    const data = joined(`Acme${RLO}`, `Engineer${RLO}`);
    renderBrand(data);
    renderWelcome(data);
    const role = document.getElementById("welcome-role")!;
    expect(role.textContent).toContain("with an AI interviewer");
    // The role is isolated (its override ends with it); the disclosure is in the paragraph's own direction.
    expect(isolatedIn(role, `Engineer${RLO}`)).toBe("bdi");
    expect(isolatedIn(role, "with an AI interviewer")).toBe("paragraph");
    expect(isolatedIn(document.getElementById("welcome-title")!, `Acme${RLO}`)).toBe("bdi");
    expect(isolatedIn(document.getElementById("org-name")!, `Acme${RLO}`)).toBe("bdi");
  });
});
