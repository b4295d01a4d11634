import { describe, expect, it } from "vitest";
import { ApiClient } from "./api";
import { ServerClock } from "./serverclock";

describe("the server's clock", () => {
  it("corrects a device clock that is minutes off, to within a second", () => {
    let device = Date.parse("2026-12-03T10:00:00.300Z");
    const clock = new ServerClock(() => device);
    // The server answers 50 ms after the request left; its clock reads ten minutes more than the device's.
    clock.observe(new Date(device + 10 * 60_000 + 25).toUTCString(), device, device + 50);
    device += 50;
    expect(Math.abs(clock.now() - (device + 10 * 60_000))).toBeLessThanOrEqual(1000);
  });

  it("leaves a device clock within a couple of seconds alone, and ignores answers without a date", () => {
    const device = Date.parse("2026-12-03T10:00:00.000Z");
    const clock = new ServerClock(() => device);
    clock.observe(new Date(device + 1000).toUTCString(), device, device + 20);
    expect(clock.now()).toBe(device);
    clock.observe("not a date", device, device + 1);
    clock.observe(null, device, device + 1);
    expect(clock.now()).toBe(device);
  });

  it("narrows with every answer, and follows a device clock set right in the middle of the interview", () => {
    let real = Date.parse("2026-12-03T10:00:00.000Z"); // the server's clock
    let slow = 10 * 60_000 + 400; // how far behind it the device's clock is
    const clock = new ServerClock(() => real - slow);
    for (const roundTrip of [3000, 800, 120, 40]) {
      clock.observe(new Date(real + roundTrip / 2).toUTCString(), real - slow, real - slow + roundTrip);
      real += roundTrip + 1000;
    }
    expect(Math.abs(clock.now() - real)).toBeLessThanOrEqual(600);
    slow = 0; // the laptop wakes and synchronises its clock: now it is right
    clock.observe(new Date(real + 20).toUTCString(), real, real + 40);
    expect(Math.abs(clock.now() - real)).toBeLessThanOrEqual(1000);
  });

  it("is fed by every API answer, refused ones too", async () => {
    const clock = new ServerClock();
    const ahead = Date.now() + 30 * 60_000;
    const fake = async () =>
      new Response(JSON.stringify({ error: { code: "invite_expired", message: "expired" } }), {
        status: 410,
        headers: { Date: new Date(ahead).toUTCString(), "Content-Type": "application/json" },
      });
    await expect(new ApiClient("inv", "", fake as typeof fetch, clock).join()).rejects.toThrow("expired");
    expect(Math.abs(clock.now() - (Date.now() + 30 * 60_000))).toBeLessThanOrEqual(1500);
  });
});
