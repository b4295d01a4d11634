// The replay's clock: a position in seconds, played forward at 1x to 16x on animation frames, paused at the end.

export const SPEEDS = [1, 2, 4, 8, 16] as const;
export type Speed = (typeof SPEEDS)[number];

export interface Frames {
  request(callback: (now: number) => void): number;
  cancel(handle: number): void;
}

const browserFrames: Frames = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export type Listener = (time: number, playing: boolean) => void;

export class Player {
  private position = 0;
  private frame: number | null = null;
  private last: number | null = null;
  private readonly listeners: Listener[] = [];
  speed: Speed = 1;

  constructor(
    readonly duration: number,
    private readonly frames: Frames = browserFrames,
  ) {}

  get time(): number {
    return this.position;
  }

  get playing(): boolean {
    return this.frame !== null;
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.position, this.playing);
  }

  seek(time: number): void {
    this.position = Math.min(Math.max(0, time), this.duration);
    this.emit();
  }

  play(): void {
    if (this.playing) return;
    if (this.position >= this.duration) this.position = 0; // play again from the start
    this.last = null;
    this.frame = this.frames.request(this.tick);
    this.emit();
  }

  pause(): void {
    if (this.frame !== null) this.frames.cancel(this.frame);
    this.frame = null;
    this.emit();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  private readonly tick = (now: number): void => {
    if (this.last !== null) this.position += ((now - this.last) / 1000) * this.speed;
    this.last = now;
    if (this.position >= this.duration) {
      this.position = this.duration;
      this.frame = null;
      this.emit();
      return;
    }
    this.frame = this.frames.request(this.tick);
    this.emit();
  };
}
