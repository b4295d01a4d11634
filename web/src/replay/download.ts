// The replay's timeline as it arrives: its body read piece by piece, with how much has arrived, so that the page says
// how far a long interview's timeline has come (tens of MB at the recording bounds, docs/reports.md) rather than
// "Loading the replay…", unchanged, for as long as the download takes.

/** The status line once `bytes` of the timeline have arrived: in whole megabytes, from the first. Written only when
 * the words change (the line is a live region), so at most once per megabyte. */
export function loadingWords(bytes: number): string {
  const megabytes = Math.floor(bytes / 1_000_000);
  return megabytes < 1 ? "Loading the replay…" : `Loading the replay… ${megabytes} MB received`;
}

/** What the status line says once the timeline has arrived, while the replay is built from it. */
export const PREPARING = "Preparing the replay…";

/** `response`'s body parsed as JSON, `progress` told how many bytes have arrived after each piece. A character
 * split between two pieces is decoded whole. */
export async function readJson(response: Response, progress: (bytes: number) => void): Promise<unknown> {
  if (!response.body) return response.json();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const text: string[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    text.push(decoder.decode(value, { stream: true }));
    progress(received);
  }
  text.push(decoder.decode());
  return JSON.parse(text.join("")) as unknown;
}
