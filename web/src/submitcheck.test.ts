import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, type RunReport } from "./api";
import { landedSubmit, RunHold } from "./submitcheck";

describe("RunHold: a busy server's wait after a Run, Submit or custom input", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("holds for the wait named, and says when it starts and ends", () => {
    const changes: boolean[] = [];
    const hold: RunHold = new RunHold(() => changes.push(hold.held));
    hold.hold(4000);
    expect(hold.held).toBe(true);
    vi.advanceTimersByTime(3999);
    expect(hold.held).toBe(true);
    vi.advanceTimersByTime(1);
    expect(hold.held).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it("holds nothing when no wait was named, and a later wait replaces an earlier one", () => {
    const hold = new RunHold(() => undefined);
    hold.hold(null);
    hold.hold(0);
    expect(hold.held).toBe(false);
    hold.hold(1000);
    hold.hold(5000);
    vi.advanceTimersByTime(1000);
    expect(hold.held).toBe(true);
    vi.advanceTimersByTime(4000);
    expect(hold.held).toBe(false);
  });
});

describe("landedSubmit", () => {
  const stored = { created_at: "2026-01-01T00:00:10Z" } as RunReport & { created_at: string };
  const api = (submit: unknown) => ({ results: vi.fn().mockResolvedValue({ submit }) });

  it("asks the server after a lost answer and takes a final answer stored since", async () => {
    const sentAt = Date.parse("2026-01-01T00:00:09Z");
    expect(await landedSubmit(api(stored), "s", new ApiError(0, "network_error", "x"), sentAt)).toBe(stored);
    expect(await landedSubmit(api(stored), "s", new ApiError(0, "network_error", "x"), sentAt + 60_000)).toBeNull();
  });

  it("asks for the candidate's own Submit and never takes the interviewer's for it", async () => {
    const sentAt = Date.parse("2026-01-01T00:00:09Z");
    const client = api({ ...stored, by: "agent" });
    expect(await landedSubmit(client, "s", new ApiError(0, "network_error", "x"), sentAt)).toBeNull();
    expect(client.results).toHaveBeenCalledWith("s", true);
    const already = new ApiError(409, "already_submitted", "x");
    expect(await landedSubmit(client, "s", already, sentAt)).toEqual({ ...stored, by: "agent" }); // the final answer
    expect(client.results).toHaveBeenLastCalledWith("s", false);
  });

  it("never takes a Submit stored by the time of the newest one the page showed before it left", async () => {
    // The page showed the interviewer's Submit stored at 10s; the candidate's own read alone, their one before it
    // (stored at 9.5s, within the allowance for the page's clock) is the newest again.
    const sentAt = Date.parse("2026-01-01T00:00:11Z");
    const mine = { ...stored, created_at: "2026-01-01T00:00:09.500Z", submission_id: "sub-mine", by: "candidate" };
    const lost = new ApiError(0, "network_error", "x");
    expect(await landedSubmit(api(mine), "s", lost, sentAt, "sub-theirs", "2026-01-01T00:00:10.000Z")).toBeNull();
    expect(await landedSubmit(api(mine), "s", lost, sentAt, "sub-theirs", "2026-01-01T00:00:09.000Z")).toBe(mine);
  });

  it("takes the Submit the page gave its id, never another tab's stored after it left", async () => {
    const sentAt = Date.parse("2026-01-01T00:00:09Z");
    const id = "this-tab-run-id-0000001";
    const lost = new ApiError(0, "network_error", "x");
    const theirs = { ...stored, client_run_id: "other-tab-run-id-000001", by: "candidate" };
    const client = api(theirs);
    expect(await landedSubmit(client, "s", lost, sentAt, undefined, undefined, id)).toBeNull();
    expect(client.results).toHaveBeenCalledWith("s", true, id); // its own asked for by its id
    // Its own, stored before another tab's newer one (and before it left, by the page's clock): found by its id.
    const mine = { ...stored, mode: "submit", created_at: "2026-01-01T00:00:01Z", client_run_id: id };
    const found = { results: vi.fn().mockResolvedValue({ submit: theirs, client_run: mine }) };
    expect(await landedSubmit(found, "s", lost, sentAt, undefined, undefined, id)).toBe(mine);
    // A gateway's 524 is answered in front of the API: the Submit may have been stored, and is looked for.
    const timedOut = new ApiError(524, "http_524", "");
    expect(await landedSubmit(found, "s", timedOut, sentAt, undefined, undefined, id)).toBe(mine);
    // A final answer stored by a replica from before the ids (none on it) is matched by time, as before.
    const unknown = {
      results: vi.fn().mockResolvedValue({ submit: { ...stored, client_run_id: null }, client_run: null }),
    };
    expect(await landedSubmit(unknown, "s", lost, sentAt, undefined, undefined, id)).toEqual({
      ...stored,
      client_run_id: null,
    });
  });

  it("never for a refusal that stored nothing", async () => {
    const client = api(stored);
    expect(await landedSubmit(client, "s", new ApiError(429, "rate_limited", "x", 3000), 0)).toBeNull();
    expect(client.results).not.toHaveBeenCalled();
  });
});
