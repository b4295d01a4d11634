import { describe, expect, it } from "vitest";
import { parseInviteFragment, withoutFragment } from "./invite";

describe("invite fragment", () => {
  it("reads the invite from the fragment only", () => {
    expect(parseInviteFragment("#invite=inv_abc-123")).toBe("inv_abc-123");
    expect(parseInviteFragment("#other=1&invite=inv_x")).toBe("inv_x");
    expect(parseInviteFragment("#invite=")).toBeNull();
    expect(parseInviteFragment("")).toBeNull();
  });

  it("strips the fragment but keeps path and query", () => {
    expect(withoutFragment("https://x.test/join?lang=en#invite=secret")).toBe("/join?lang=en");
  });
});
