// Tabs of one interview in one browser tell each other when it starts. A tab learns the session's state from the
// server (POST /v1/join, web/src/sessionwatch.ts, every 15 s), so a second tab on the device check went on showing the
// full time ("45:00") for up to one check after the first had started the interview. Told at once, it shows nothing
// until it has asked the server, then goes into the interview with the time left. The message carries no data: only
// the server's answer is believed. Another device has no such channel and learns at its next check.
// Tabs of the running interview also tell each other when one comes to the front (its window focused) and when one
// goes (closed, reloaded): the candidate's absence is measured by the tab in front, not by one hidden behind it
// (web/src/integrity.ts, watchPage).

/** What the page needs of a BroadcastChannel. */
export interface Channel {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  close(): void;
}

const STARTED = "started";
const FRONT = "front";
const LEFT = "left";
/** What one tab of the running interview tells the others of itself. */
export type TabNews = typeof FRONT | typeof LEFT;

function browserChannel(name: string): Channel | null {
  if (typeof BroadcastChannel !== "function") return null;
  try {
    return new BroadcastChannel(name);
  } catch {
    return null; // an opaque origin (a sandboxed frame) has none: each tab learns at its own check
  }
}

export class TabSignal {
  private readonly channel: Channel | null;

  constructor(
    sessionId: string,
    /** Another tab of this session says the interview has started. */
    onStarted: () => void,
    open: (name: string) => Channel | null = browserChannel,
    /** Another tab of this session has come to the front, or is going. */
    onNews: (news: TabNews) => void = () => undefined,
  ) {
    this.channel = open(`shadows:session:${sessionId}`);
    this.channel?.addEventListener("message", (event) => {
      const data: unknown = event.data;
      if (data === STARTED) onStarted();
      else if (data === FRONT || data === LEFT) onNews(data);
    });
  }

  /** Tell the other tabs: this one has come to the front (its window has the focus), or is going. */
  tell(news: TabNews): void {
    this.channel?.postMessage(news);
  }

  /** This tab has gone into the running interview: the others ask the server now. */
  started(): void {
    this.channel?.postMessage(STARTED);
  }

  close(): void {
    this.channel?.close();
  }
}
