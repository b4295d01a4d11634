"""The candidate's name and e-mail in every form the redactor finds them (grader/redact.py): the redaction terms
sorted into whole names, distinctive and ambiguous parts, addresses and their local parts, the spellings they have,
and the rules every kind of text runs for them (`NameRules.always`): the address, the name joined as an identifier
or username, reversed, encoded, in leet, spelled out, in another script, and as a segment of a longer identifier."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from grader.contact_patterns import EMAIL, SPELLED
from grader.east_asian import HANGUL_OR_KANA, LatinNamesInHangulOrKana
from grader.encoded import ENCODED_TOKEN, EncodedNames, disguises, short_tokens
from grader.everyday_words import CODE_EPONYMS
from grader.evidence_words import everyday, everyday_words, technical
from grader.han_names import HanForms, han_forms
from grader.handles import local_core, local_forms
from grader.invisible import HIDDEN, TAG_RUN, hidden_runs
from grader.leet import LeetNames
from grader.links import HOME_PATH, PROFILE_LINK, home_user
from grader.matching_form import normalise
from grader.name_forms import as_names as _as_names
from grader.name_forms import caseless as _caseless
from grader.name_forms import flexible as _flexible
from grader.name_forms import segment as _segment
from grader.name_forms import username as _username
from grader.name_forms import words as _words
from grader.redact_apply import Rule
from grader.spelling import letter_spans
from grader.transliterate import OTHER_SCRIPT_WORD, LatinReadings, OtherScriptNames
from grader.word_patterns import Words, alternation

NAME = "[candidate]"


@dataclass(frozen=True)
class Spelling:
    """What a name spelled letter by letter may spell: a part of three letters or more or the whole name (`words`,
    lower case), or two or more parts in a row (`in_a_row`); `sizes`: the lengths such a spelling can have."""

    words: frozenset[str]
    in_a_row: re.Pattern[str]
    sizes: list[int]

    def spells(self, letters: str) -> bool:
        """`letters` (lower case) spell a name part, the whole name, or two or more parts in a row."""
        return letters in self.words or self.in_a_row.fullmatch(letters) is not None


@dataclass(frozen=True)
class NameRules:
    always: list[Rule]  # for every kind of text, before the rest
    emails: set[str]  # in the matching form (`normalise`)
    names: list[str]  # the terms that are names (not an address or its local part)
    whole: list[
        str
    ]  # names of two words or more, and a distinctive local part: matched in any case, everywhere
    distinctive: set[str]  # parts matched in any case in speech, as names in code
    ambiguous: set[
        str
    ]  # parts that are everyday words or of two letters: only written as a name, mid-sentence
    # A name of two words or more that are all everyday words ("Wrong Answer", "Will Best"): as `ambiguous`, whole.
    everyday_wholes: Words | None
    everyday_names: list[str]  # those names, as written
    # Of `ambiguous`, the parts of a name asked for in lower case (`written`): no everyday word, so also opening a
    # sentence, where speech-to-text writes a line's first word with a capital.
    written: frozenset[str]
    everyday: frozenset[
        str
    ]  # the words that make a part ambiguous (grader/evidence_words.py), the statement's too
    readings: LatinReadings  # a name on file in another script, as Latin words
    han: HanForms
    spelling: Spelling
    distinctive_needles: frozenset[str]


def name_rules(
    terms: Sequence[str], vocabulary: frozenset[str] = frozenset(), written: Sequence[str] = ()
) -> NameRules:
    """The rules for `terms`; `vocabulary`, the question statement's words in lower case, are everyday words here:
    a name part that is one is replaced only where it is written as a name (grader/evidence_words.py). `written`:
    names replaced only where written as one, as such a part is (a name the candidate asked to be called in lower
    case, grader/self_named.py `called_in_lower_case`), unless `terms` hold the same word."""
    # A name on file in another script, as the Latin words it is written in (grader/transliterate.py).
    readings = LatinReadings(
        [w for t in terms if "@" not in t for w in _words(t)], everyday_words(vocabulary)
    )
    han = han_forms(terms)  # a name in Han characters, in pinyin (grader/han_names.py)
    # Matched against text in the same form (`normalise`).
    terms = [normalise(t).text for t in (*terms, *han.han)]
    given = {p.lower() for t in terms for p in _words(t)}
    only_written = {p.lower() for t in written for p in _words(normalise(t).text)} - given
    terms += [normalise(t).text for t in written]
    emails = {t for t in terms if "@" in t}
    locals_ = {e.split("@", 1)[0] for e in emails}
    names = [t for t in terms if "@" not in t and t not in locals_]
    parts = {p for n in names for p in _words(n) if len(p) >= 2}

    def is_ambiguous(p: str) -> bool:
        return (len(p) <= 2 and not _caseless(p)) or everyday(p, vocabulary) or p.lower() in only_written

    # A name whose every word is an everyday one is no name in lower case ("that test gave a wrong answer", "this
    # will best fit"): matched whole only as the parts are, written as a name.
    wholes = [n for n in names if len(_words(n)) > 1]
    whole = [n for n in wholes if not all(is_ambiguous(p) for p in _words(n))]
    as_names = [n for n in wholes if n not in whole]
    # Joined as a handle (`will_smith`, `an.do`) it is still a name, unless a word of it is the code's own
    # (`wrong_answer`, `brute_force`, `hope_sorting`).
    joined = [n for n in as_names if not any(technical(p, vocabulary) for p in _words(n))]
    everyday_wholes = (
        Words("(?:" + "|".join(sorted(map(_whole_as_name, as_names), key=len, reverse=True)) + ")")
        if as_names
        else None
    )
    for local in locals_:
        if core := local_core(local):  # "zqdev" of zqdev1990@: a name part of its own
            parts.add(core)
        if len(local) >= 6 or not local.isalpha():
            whole.append(local)  # distinctive: any case, everywhere
        elif len(local) >= 2:
            parts.add(local)
    parts |= han.alone | han.as_names
    ambiguous = {p for p in parts if is_ambiguous(p)}
    ambiguous |= han.as_names
    distinctive = parts - ambiguous
    # Spelled out: a part of three letters or more, the whole name, two or more parts in a row.
    spelled = frozenset(p.lower() for p in parts if len(p) >= 3 and p.isalpha()) | frozenset(
        "".join(filter(str.isalpha, w)).lower() for w in whole
    )
    spelled_parts = sorted({p.lower() for p in parts if p.isalpha()}, key=len, reverse=True)
    one = "(?:" + "|".join(map(re.escape, spelled_parts)) + ")"
    in_a_row = re.compile(f"{one}{one}+" if spelled_parts else "(?!)")  # two or more parts
    # The lengths a spelling can have: a part, the whole name, or two or more parts in a row.
    sizes = {len(x) for x in spelled}
    part_sizes = {len(p) for p in spelled_parts}
    reach = set(part_sizes)
    for _ in range(3):
        reach |= {a + b for a in reach for b in part_sizes if a + b <= 64}
    spelling = Spelling(spelled, in_a_row, sorted(sizes | {x for x in reach if x >= 3}, reverse=True))
    always: list[Rule] = []
    if emails:
        always.append(Rule(alternation(emails, re.I), "[email]"))
    always += [
        Rule(
            TAG_RUN, HIDDEN, refine=hidden_runs, on_original=True
        ),  # "ASCII smuggling" (grader/invisible.py)
        Rule(EMAIL, "[email]"),
        Rule(PROFILE_LINK, "[link]"),
        Rule(HOME_PATH, "[handle]", refine=home_user),
    ]
    # In one pattern: the whole name; the local part, or a handle among the names, with its pieces joined another
    # way (zq_dev: `ZqDev`, `zq.dev`); the name reversed or in ROT13 ("ecalevoL adA", grader/encoded.py).
    handles = {*locals_, *(p for p in parts if re.search(r"[._\d]", p))}
    alternatives = [
        *han.always,
        *(_flexible(w) for w in sorted(whole, key=len, reverse=True)),
        *(_flexible(w, spaced=False) for w in sorted(joined, key=len, reverse=True)),
        *sorted(filter(None, map(local_forms, handles)), key=len, reverse=True),
        *(_flexible(d) for d in sorted(disguises([*whole, *distinctive]), key=len, reverse=True)),
    ]
    if alternatives:
        always.append(Rule(Words(f"(?:{'|'.join(alternatives)})", re.I), NAME))
    if (leet := LeetNames([*whole, *distinctive]).pattern) is not None:  # `L0v3l4c3` (grader/leet.py)
        always.append(Rule(leet, NAME, refine=LeetNames.spans))
    if encoded := EncodedNames([*whole, *distinctive, *emails, *locals_]):
        always.append(Rule(ENCODED_TOKEN, NAME, refine=encoded.spans))
    if (short := short_tokens(distinctive)) is not None:  # `QWRh` for Ada (grader/encoded.py)
        always.append(Rule(short, NAME))
    if spelled:
        letters = functools.partial(letter_spans, spells=spelling.spells, sizes=spelling.sizes)
        always.append(Rule(SPELLED, NAME, refine=letters))
    if other_script := OtherScriptNames(distinctive):  # "Ада" for Ada (grader/transliterate.py)
        always.append(Rule(OTHER_SCRIPT_WORD, NAME, refine=other_script.spans, on_original=True))
    if hangul_or_kana := LatinNamesInHangulOrKana(parts):  # 김민준 for Kim Minjun (grader/east_asian.py)
        always.append(Rule(HANGUL_OR_KANA, NAME, refine=hangul_or_kana.spans, on_original=True))
    # The name as a segment of an identifier or a username (`ada_lovelace_solution`, `adaLovelace42`), the
    # initial and the surname (`alovelace`), and a distinctive part with a number (`lovelace42`): any case.
    segments = [*han.wholes, *(_flexible(w) for w in sorted(whole, key=len, reverse=True))]
    segments += [_flexible(w, spaced=False) for w in sorted(joined, key=len, reverse=True)]
    usernames = {w: u for w in whole if (u := _username(w, distinctive))}
    segments += sorted(set(usernames.values()), key=len, reverse=True)
    # The local part on file, or a handle among the names, with its pieces joined another way, as a segment too
    # (`test_adal_1815_solution`, `contact_Adal_1815`).
    handle_forms = sorted(filter(None, map(local_forms, handles)), key=len, reverse=True)
    segments += handle_forms
    # A distinctive part of five letters or more, also as a lowercase segment in code (`solve_lovelace`,
    # `/tmp/lovelace/`): shorter, too often the code's own word, as is an algorithm's eponym (`dijkstra()`).
    long = [p for p in distinctive if len(p) >= 5 and p.lower() not in CODE_EPONYMS]
    segments += [re.escape(p) for p in sorted(long, key=len, reverse=True)]
    if segments:
        # A match holds each word of a whole name, a username its surname, a part itself.
        needles = (
            {max(_words(w), key=len).lower() for w in (*whole, *joined)}
            | han.needles
            | {_words(w)[-1].lower() for w in usernames}
            | {p.lower() for p in long}
            | {max(re.findall(r"[^\W\d_]+|\d+", h), key=len).lower() for h in handles if local_forms(h)}
        )
        always.append(Rule(_segment(segments, re.I), NAME, needles=frozenset(needles)))
    distinctive_needles = frozenset(p.lower() for p in distinctive)
    if distinctive:
        numbered = "|".join(re.escape(p) for p in sorted(distinctive, key=len, reverse=True))
        with_number = re.compile(rf"(?<![^\W_])(?:{numbered})\d+(?![^\W_])", re.I)
        always.append(Rule(with_number, NAME, needles=distinctive_needles))
    return NameRules(
        always=always,
        emails=emails,
        names=names,
        whole=whole,
        distinctive=distinctive,
        ambiguous=ambiguous,
        everyday_wholes=everyday_wholes,
        everyday_names=as_names,
        # A word of the question's statement or an everyday one stays `ambiguous` only, mid-sentence: "call me
        # knight" in a knight's-moves question had hidden the line "Knight moves are L shaped."
        written=frozenset(p for p in ambiguous if p.lower() in only_written and not everyday(p, vocabulary)),
        everyday=everyday_words(vocabulary),
        readings=readings,
        han=han,
        spelling=spelling,
        distinctive_needles=distinctive_needles,
    )


def _whole_as_name(name: str) -> str:
    """The regex of `name`'s words each written as a name (`Will Best`, `WILL BEST`), any space between them."""
    return r"\s+".join("(?:" + "|".join(sorted(map(re.escape, _as_names([w])))) + ")" for w in _words(name))
