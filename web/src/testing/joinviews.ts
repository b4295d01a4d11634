// Views of a scheduled session for unit tests of the welcome, the consent and the start: `POST /v1/join`'s answer
// with a given notice, before the interview has started.
import type { JoinResponse } from "../api";

/** The view of a scheduled Python session whose notice is `version` with the text `text` (shown as one paragraph),
 * agreed to unless `extra` says otherwise. The notice's `sha256` stands in for the hash and differs with the text. */
export function view(version: string, text: string, extra: Partial<JoinResponse> = {}): JoinResponse {
  return {
    session: {
      id: "s1",
      status: "scheduled",
      role: null,
      duration_minutes: 45,
      extra_time_minutes: 0,
      languages: ["python"],
      text_only: false,
      start_mode: null,
    },
    organization: { name: "Acme", logo_url: null, allow_text_only: true },
    notice: { version, sha256: `sha-${version}-${text}`, html: `<p>${text}</p>` },
    consented: true,
    question: null,
    ...extra,
  } as unknown as JoinResponse;
}
