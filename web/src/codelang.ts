// CodeMirror language support for the candidate's editor and the report's replay. Each language mode is its own
// chunk: a page loads only the ones it shows.
import type { Extension } from "@codemirror/state";

/** The mode for a judge language; none (plain text) for an unknown or missing one. */
export async function languageSupport(language: string | null): Promise<Extension> {
  switch (language) {
    case "python":
      return (await import("@codemirror/lang-python")).python();
    case "javascript":
      return (await import("@codemirror/lang-javascript")).javascript();
    case "java":
      return (await import("@codemirror/lang-java")).java();
    case "cpp":
      return (await import("@codemirror/lang-cpp")).cpp();
    default:
      return [];
  }
}
