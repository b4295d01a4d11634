"""Self-introductions in the candidate's own language, the bound on the names learned from them, and a name's other
word beside the name on file (attack round of 2026-12-08).

- The frame of an introduction ("Je m'appelle", "Ich heiße", "Soy", "Moi c'est", "mera naam ... hai") is never a
  name: read after another cue ("my name is" / "Je m'appelle Amélie Dubois", two lines read together) its words
  had become names redacted everywhere ("[candidate] m'appelle Amélie Dubois"), and "hai" ended "mera naam Priya
  hai" as the name's second word. The name after the frame is hidden where it recurs.
- Past six names introduced, a seventh was not learned: six decoys said first kept the real one in the transcript.
  The bound is `MAX_NAMES` (its cost: `python -m bench grader_name_cap`), and past it a name the interviewer says
  or one sharing a word with the name on file is kept first.
- A word written as a name right before the family name on file, or right after the given name, is the name's
  ("Sona Raman, that's my legal name" with "Priya Raman" on file); the words of speech that open a sentence there
  stay (tests/grader/test_redact_titles_by_place.py)."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.line_pairs import edges
from grader.redact import Redactor
from grader.self_named import MAX_NAMES, self_introduced
from tests.grader.bundles import interview, transcript

ON_FILE = redaction_terms("Ada Lovelace", "ada.lovelace@example.com")
FRAME_WORDS = {
    "je", "m'appelle", "moi", "c'est", "mon", "nom", "est", "me", "llamo", "mi", "nombre", "es", "soy", "ich",
    "heisse", "bin", "mein", "name", "ist", "meu", "nome", "e", "chamo", "sou", "eu", "o", "a", "chiamo", "ik",
    "heet", "mijn", "naam", "is", "mera", "hai", "hoon", "i'm", "my", "call",
}  # fmt: skip


def _learned(*lines: str) -> list[str]:
    said = [(i, "user", line) for i, line in enumerate(lines)]
    return self_introduced(list(lines), edges(said, "user"))


# (the candidate's line, the name's words): said in one line.
IN_ONE_LINE = [
    ("Je m'appelle Amélie Dubois.", ("Amélie", "Dubois")),
    ("Bonjour, je m\u2019appelle Amélie.", ("Amélie",)),
    ("Mon nom est Amélie Dubois.", ("Amélie", "Dubois")),
    ("Moi c'est Amélie.", ("Amélie",)),
    ("Moi, c'est Amélie Dubois, enchantée.", ("Amélie", "Dubois")),
    ("Me llamo Lucía Fernández.", ("Lucía", "Fernández")),
    ("Mi nombre es Lucía.", ("Lucía",)),
    ("Hola, soy Lucía Fernández.", ("Lucía", "Fernández")),
    ("Ich heiße Jürgen Müller.", ("Jürgen", "Müller")),
    ("Mein Name ist Jürgen.", ("Jürgen",)),
    ("Hallo, ich bin Jürgen Müller.", ("Jürgen", "Müller")),
    ("Meu nome é João Silva.", ("João", "Silva")),
    ("Me chamo João.", ("João",)),
    ("Sou a Maria Santos.", ("Maria", "Santos")),
    ("Eu sou o João.", ("João",)),
    ("Mi chiamo Giulia Rossi.", ("Giulia", "Rossi")),
    ("Ik heet Sanne Bakker.", ("Sanne", "Bakker")),
    ("Mijn naam is Sanne.", ("Sanne",)),
    ("Mera naam Priya hai.", ("Priya",)),
    ("mera naam priya hai", ("priya",)),
    ("Sona Raman, that's my legal name.", ("Sona", "Raman")),
    ("My legal name is Sona Raman.", ("Sona", "Raman")),
    ("我叫张伟。", ("张伟",)),
    ("私は田中です。", ("田中",)),
    ("저는 김민준입니다.", ("김민준",)),
]
# (the line before, the line with the name, the name's words): a cue ending one line, the frame opening the next.
ACROSS_LINES = [
    ("Hi, my name is", "Je m'appelle Amélie Dubois", ("Amélie", "Dubois")),
    ("Bonjour, my name is", "Je m\u2019appelle Amélie", ("Amélie",)),
    ("Call me", "Ich heiße Jürgen", ("Jürgen",)),
    ("you can call me", "Soy Lucía", ("Lucía",)),
    ("Hello, I'm", "Moi c'est Amélie", ("Amélie",)),
    ("my name is", "Mi chiamo Giulia Rossi", ("Giulia", "Rossi")),
    ("my name is", "Ich bin Jürgen Müller", ("Jürgen", "Müller")),
    ("Hello, I'm", "Sou o João Silva.", ("João", "Silva")),
]


@pytest.mark.parametrize(("said", "name"), IN_ONE_LINE)
def test_a_self_introduction_hides_the_name_where_it_recurs_and_keeps_its_frame(
    said: str, name: tuple[str, ...]
) -> None:
    learned = _learned(said)
    assert learned and not {t.casefold() for t in learned} & FRAME_WORDS, learned
    redactor = Redactor([*ON_FILE, *learned])
    shown = redactor.speech(said).text
    assert "[candidate]" in shown and not any(word in shown for word in name), shown
    frame = said.split()[0].rstrip(",") if " " in said else said[:2]  # "我叫", "私は"
    assert frame in shown or frame in name, shown
    # Elsewhere in the interview, in speech, in what a program prints and in a comment.
    later = f"{name[0]}, on continue. Output: {' '.join(name)}"
    for out in (redactor.speech(later), redactor.output(later), redactor.code(f"# {later}\n", "python")):
        assert not any(word in out.text for word in name), out.text


@pytest.mark.parametrize(("before", "line", "name"), ACROSS_LINES)
def test_a_frame_after_a_cue_on_the_line_before_is_no_name(
    before: str, line: str, name: tuple[str, ...]
) -> None:
    learned = _learned(before, line)
    assert not {t.casefold() for t in learned} & FRAME_WORDS, learned
    redactor = Redactor([*ON_FILE, *learned])
    shown = redactor.speech(line).text
    assert line.split()[0] in shown, shown  # "Je", "Ich", "Soy" stay
    assert not any(word in shown for word in name), shown
    assert (
        redactor.speech("Je pense que oui. Ich weiß. Soy yo.").text == "Je pense que oui. Ich weiß. Soy yo."
    )


def test_names_after_the_old_bound_of_six_are_learned() -> None:
    decoys = [f"I'm {g}." for g in ("Zanele", "Olusegun", "Siobhan", "Nguyen", "Wei", "Jose")]
    learned = self_introduced([*decoys, "Je m'appelle Amélie Dubois."])
    assert "Amelie Dubois" in learned
    assert "[candidate]" in Redactor([*ON_FILE, *learned]).speech("Merci, Amélie.").text


def test_past_the_bound_a_name_the_interviewer_says_is_kept_first() -> None:
    given = ("Zanele", "Olusegun", "Siobhan", "Nguyen", "Wei", "Jose", "Kofi", "Mbeki")
    decoys = [f"I'm {g} {f}." for f in ("Okafor", "Moreau", "Haddad", "Lindqvist") for g in given]
    assert len(decoys) >= MAX_NAMES
    said = [*decoys, "Je m'appelle Amélie Dubois."]
    assert "Amelie Dubois" not in self_introduced(said)  # the earliest are kept when nothing ranks one first
    learned = self_introduced(said, prefer=["Merci, Amélie, on commence."])
    assert learned[0] == "Amelie Dubois"
    assert len([t for t in learned if " " in t]) == MAX_NAMES  # still bounded
    on_file = self_introduced(said, prefer=["Amélie Dubois"])  # the name on file ranks its words first too
    assert on_file[0] == "Amelie Dubois"
    assert self_introduced(said, prefer=["amélie"]) == self_introduced(said)  # a word not written as a name


def test_a_bundle_keeps_the_name_the_interviewer_says_past_the_bound() -> None:
    given = ("Zanele", "Olusegun", "Siobhan", "Nguyen", "Wei", "Jose", "Kofi", "Mbeki")
    decoys = [f"I'm {g} {f}." for f in ("Okafor", "Moreau", "Haddad", "Lindqvist") for g in given]
    lines = [*decoys, "Je m'appelle Amélie Dubois."]
    extra = [transcript(100 + i, 180.0 + i, "user", line) for i, line in enumerate(lines)]
    extra += [transcript(200, 300.0, "assistant", "Merci, Amélie. Dubois, c'est ça?")]
    extra += [transcript(201, 305.0, "user", "Oui, Amélie Dubois, et mon code marche.")]
    source = interview(extra_events=extra)
    shown = build_bundle(source, compute_facts(source)).interview
    assert "mon code marche" in shown
    assert "Amélie" not in shown and "Dubois" not in shown


PR = Redactor(redaction_terms("Priya Raman", "priya.r@example.com"))


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        (
            "Sona Raman wrote this.",
            "[candidate] [candidate] wrote this.",
        ),  # no introduction: the place says it
        ("Sona Raman here.", "[candidate] [candidate] here."),
        ("Priya Byron joined.", "[candidate] [candidate] joined."),
        ("Priya Sona Raman", "[candidate] [candidate] [candidate]"),
        ("Jean-Luc Raman", "[candidate] [candidate]"),
        # Words of speech opening a sentence, titles, acronyms and contractions stay as they were.
        ("Thanks Raman.", "Thanks [candidate]."),
        ("Ready Raman?", "Ready [candidate]?"),
        ("That's Raman's trick.", "That's [candidate]'s trick."),
        ("BFS Raman", "BFS [candidate]"),
        ("Okay. Priya Python is fine.", "Okay. [candidate] Python is fine."),
        ("Hi Priya Let me see.", "Hi [candidate] Let me see."),
        ("Master Raman, go on.", "[title] [candidate], go on."),
        ("Priya, Sona", "[candidate], Sona"),  # not beside it
    ],
)
def test_a_word_written_as_a_name_beside_the_name_on_file_is_the_names(said: str, shown: str) -> None:
    assert PR.speech(said).text == shown
    assert PR.output(said).text == shown
    assert PR.code(f"print({said!r})", "python").text == f"print({shown!r})"
