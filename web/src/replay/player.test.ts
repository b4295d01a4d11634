import { describe, expect, it } from "vitest";
import { Player, type Frames } from "./player";

class ManualFrames implements Frames {
  queue: ((now: number) => void)[] = [];
  request(callback: (now: number) => void): number {
    this.queue.push(callback);
    return this.queue.length;
  }
  cancel(): void {
    this.queue = [];
  }
  advance(now: number): void {
    const pending = this.queue;
    this.queue = [];
    for (const callback of pending) callback(now);
  }
}

describe("Player", () => {
  it("plays at the chosen speed and stops at the end", () => {
    const frames = new ManualFrames();
    const player = new Player(100, frames);
    const seen: number[] = [];
    player.onChange((t) => seen.push(t));
    player.speed = 16;
    player.play();
    frames.advance(0);
    frames.advance(1000); // one second at 16x
    expect(player.time).toBeCloseTo(16);
    frames.advance(10_000);
    expect(player.time).toBe(100);
    expect(player.playing).toBe(false);
    expect(seen.at(-1)).toBe(100);
  });

  it("pauses, clamps seeks and replays from the start after the end", () => {
    const frames = new ManualFrames();
    const player = new Player(50, frames);
    player.seek(80);
    expect(player.time).toBe(50);
    player.seek(-5);
    expect(player.time).toBe(0);
    player.play();
    frames.advance(0);
    frames.advance(2000);
    player.pause();
    expect(player.time).toBeCloseTo(2);
    frames.advance(5000);
    expect(player.time).toBeCloseTo(2);
    player.seek(50);
    player.play();
    expect(player.time).toBe(0);
  });
});
