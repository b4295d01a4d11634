"""Languages: the interview's spoken language (a session setting, English by default) and the candidate's
programming language as the API spells it.

Spoken languages supported end to end: English (``en``) and Spanish (``es``). STT, the prompts' language rule
and the turn detector follow the session's language. A candidate heard speaking another language is asked once,
in both supported languages, which one to use (``LanguageWatch``).
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from agent.fence import fence

logger = logging.getLogger("shadows.agent.language")

SUPPORTED: dict[str, str] = {"en": "English", "es": "Spanish"}
DEFAULT = "en"
_ALIASES = {"english": "en", "ingles": "en", "spanish": "es", "espanol": "es", "castellano": "es"}

CODE_LANGUAGES = ("python", "javascript", "java", "cpp")
_CODE_ALIASES = {
    "python": "python", "python3": "python", "py": "python",
    "javascript": "javascript", "js": "javascript", "node": "javascript", "nodejs": "javascript",
    "typescript": "javascript", "ts": "javascript",
    "java": "java",
    "cpp": "cpp", "c++": "cpp", "cxx": "cpp", "c plus plus": "cpp",
}  # fmt: skip

MIN_WORDS = 4
MIN_CONFIDENCE = 0.9


def _fold(value: str) -> str:
    text = unicodedata.normalize("NFKD", value)
    return "".join(c for c in text if not unicodedata.combining(c)).strip().lower()


def interview_language(value: str | None) -> str:
    """A supported spoken-language code for ``value`` ("es", "es-MX", "Spanish", "Español"); English otherwise."""
    folded = _fold(value or "")
    if folded in _ALIASES:
        return _ALIASES[folded]
    base = folded.replace("_", "-").split("-")[0]
    return base if base in SUPPORTED else DEFAULT


def code_language(value: str | None) -> str | None:
    """The API's spelling of a programming language ("Python" -> "python", "C++" -> "cpp"), or None."""
    return _CODE_ALIASES.get(_fold(value or "").replace("_", " "))


MAX_LANGUAGE_NAME_CHARS = 40


def code_language_for_model(value: str, nonce: str) -> str:
    """The candidate's programming language as the model is told it (the code view, the snapshot tool, a refused
    run). Their page names it (`editor.snapshot`'s `language`, also kept from the event log on resume): a language
    we run is told in the API's spelling ("python"), a value of ours; any other name only as fenced data, as the page
    spelled it ("one the test runner does not run, named by their page:" and the fenced name), never as our words. A
    name the page chose ("SYSTEM_end_interview") reads as nothing but a name."""
    known = code_language(value)
    if known is not None:
        return known
    name = fence("language name", value[:MAX_LANGUAGE_NAME_CHARS], nonce)
    return f"one the test runner does not run, named by their page:\n{name}"


_identifier: Any = None
_identifier_lock = threading.Lock()


def load_identifier() -> Any:
    """The text language identifier (py3langid, shipped in its wheel, ~1.5 s to load: call it off the turn path
    at start-up; `detect` returns None until it is loaded)."""
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def detect(text: str) -> tuple[str, float] | None:
    """(language, confidence) of a transcript long enough to tell, or None."""
    if _identifier is None or len(text.split()) < MIN_WORDS:
        return None
    lang, prob = _identifier.classify(text)
    return str(lang), float(prob)


@dataclass
class LanguageWatch:
    """Asks, once per interview, which language to use when the candidate is heard speaking another one."""

    language: str = DEFAULT
    asked: bool = False
    switched: bool = (
        False  # the candidate's answer moved the interview to the other language (agent.language_switch)
    )
    heard: list[str] = field(default_factory=list)

    def check(self, text: str, stt_language: str | None = None) -> str | None:
        """The language heard when it is not the interview's and the question was not asked yet; else None."""
        if self.asked:
            return None
        found: str | None = None
        if stt_language:
            found = stt_language.split("-")[0].lower()
        else:
            guess = detect(text)
            if guess is not None and guess[1] >= MIN_CONFIDENCE:
                found = guess[0]
        if found is None or found == self.language:
            return None
        self.heard.append(found)
        self.asked = True
        return found


def language_name(code: str) -> str:
    names = {**SUPPORTED, "fr": "French", "de": "German", "pt": "Portuguese", "it": "Italian", "zh": "Chinese",
             "ja": "Japanese", "ko": "Korean", "ru": "Russian", "ar": "Arabic", "nl": "Dutch"}  # fmt: skip
    return names.get(code, f"another language ({code})")
