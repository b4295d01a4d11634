// The interview's languages in one editor, each with its own draft: the language select, and switches that save the
// code of the language left, then open the other's draft or its starter, one after another in the order chosen.
import type { Language } from "./api";
import { byId, h } from "./dom";
import type { DraftSaver } from "./drafts";
import type { CodeEditor } from "./editor";
import { LANGUAGE_NAMES } from "./languages";

export class LanguageSwitch {
  /** A switch under way (its draft being saved first), or null. */
  private switching: Promise<void> | null = null;

  constructor(
    private readonly editor: CodeEditor,
    private readonly saver: DraftSaver,
    /** The code to show per language (the editor's own is read from the editor). */
    private readonly drafts: Map<Language, string>,
    private readonly starter: (language: Language) => string,
    private readonly onLanguage: (language: Language) => void,
  ) {}

  /** Shows the editor's language, and the select to change it when the interview has more than one. */
  bind(languages: readonly Language[]): void {
    byId("editor-language").textContent = LANGUAGE_NAMES[this.editor.currentLanguage];
    if (languages.length < 2) return;
    const select = byId<HTMLSelectElement>("language-select");
    select.replaceChildren(
      ...languages.map((l) =>
        h("option", { value: l, selected: l === this.editor.currentLanguage }, LANGUAGE_NAMES[l]),
      ),
    );
    select.hidden = false;
    byId("editor-language").hidden = true;
    select.addEventListener("change", () => void this.to(select.value as Language));
  }

  /** Switches to `language` once the switches chosen before it are done; a Run, Submit or custom input pressed
   * meanwhile waits for them (`chosenCode`). */
  to(language: Language): Promise<void> {
    const done = (this.switching ?? Promise.resolve()).then(() => this.now(language));
    const mine: Promise<void> = done.finally(() => {
      if (this.switching === mine) this.switching = null;
    });
    this.switching = mine;
    return mine;
  }

  private async now(language: Language): Promise<void> {
    const leaving = this.editor.currentLanguage;
    if (language === leaving) return;
    this.drafts.set(leaving, this.editor.code);
    await this.saver.flush();
    const code = this.drafts.get(language) ?? this.starter(language);
    if (!this.drafts.has(language)) this.saver.known(language, code);
    // The language and its code in one step: nothing reads or types into the one under the other's name.
    void this.editor.switchTo(language, code);
    byId("editor-language").textContent = LANGUAGE_NAMES[language];
    byId<HTMLSelectElement>("language-select").value = language;
    this.onLanguage(language);
  }

  /** The language the code to run is in, and that code, once a switch chosen before has taken place: a Run pressed
   * with JavaScript chosen runs JavaScript, not the Python still in the editor while its draft was being saved. */
  async chosenCode(): Promise<{ language: Language; code: string }> {
    while (this.switching) await this.switching.catch(() => undefined); // a failed switch leaves the editor as is
    return { language: this.editor.currentLanguage, code: this.editor.code };
  }
}
