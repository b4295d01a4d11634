import { describe, expect, it } from "vitest";
import { embeddedSlug, microphoneAllowed } from "./embed";

describe("embedding", () => {
  it("reads the organisation's slug from /embed/{slug} only", () => {
    expect(embeddedSlug("/embed/acme-hiring")).toBe("acme-hiring");
    expect(embeddedSlug("/embed/acme-hiring/")).toBe("acme-hiring");
    expect(embeddedSlug("/join")).toBeNull();
    expect(embeddedSlug("/embed/Acme")).toBeNull();
    expect(embeddedSlug("/embed/a/b")).toBeNull();
  });

  it("reads the microphone permission from the document's policy when the browser has one", () => {
    const doc = (allows: boolean | undefined) =>
      (allows === undefined ? {} : { featurePolicy: { allowsFeature: () => allows } }) as unknown as Document;
    expect(microphoneAllowed(doc(false))).toBe(false);
    expect(microphoneAllowed(doc(true))).toBe(true);
    expect(microphoneAllowed(doc(undefined))).toBeNull();
  });
});
