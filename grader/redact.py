"""Keeping the candidate's identity out of the model's input: their name, e-mail and contact details, and gendered
words (grader/gendered.py), are replaced in transcript lines and code, with a map back to the original text so that
verified quotes stay verbatim.

What is replaced (never sent to the model):
- the e-mail address, and any e-mail address (`[email]`); profile links (LinkedIn, GitHub, GitLab, X, LeetCode,
  Kaggle, link-in-bio and scheduling sites, ..., with any subdomain, and sites on GitHub Pages, Substack and other
  blog hosts), and on any site a link whose path or query names a user (grader/links.py) (`[link]`);
- the full name in any case (`[candidate]`), everywhere;
- a name of one letter ("just call me J") only where it addresses them ("Thanks, J.", "J, what next?",
  grader/letter_names.py);
- names in any Unicode form: with or without their accents, decomposed (`Jose` + a combining accent), in
  compatibility letters (full-width, mathematical), with Cyrillic or Greek look-alike letters in a Latin word
  (grader/matching_form.py `LOOK_ALIKES`), with invisible characters inside (a soft hyphen, a zero-width
  joiner), with a typographic apostrophe (U+2019): text is matched in one normal form (`normalise`) and replaced in the
  original;
- a Latin name written in Cyrillic, Greek, Arabic or Devanagari ("Ада Лавлейс", grader/transliterate.py), an East
  Asian one as Russian spells it ("Чжан" for Zhang) or in Hangul or kana ("김민준", grader/east_asian.py), a name on
  file in those scripts written in Latin letters ("Dmitry" for Дмитрий, `LatinReadings`), and one in Han characters
  in pinyin ("Zhang Wei" and `zhangwei` for 张伟; a short syllable alone only as a name, grader/han_names.py);
- in a script written without spaces or capitals (Han, kana, Hangul, Thai), a name inside other words ("我是张伟"),
  and a caseless part (`张伟`, `محمد`) as a distinctive one, in code too;
- a name spelled out letter by letter, as a candidate spells it for the interviewer (`A-D-A`, `a d a`,
  `L. O. V. E. L. A. C. E.`), for a part of three letters or more or the whole name: a spelled run is replaced only
  when all of its letters spell the name, so `B-F-S` stays; also with a word for each letter ("A as in apple",
  "alpha delta alpha", grader/spelling.py);
- `@handle` mentions (`[handle]`): in speech any `@word` that is not a well-known decorator or annotation; in
  code only inside comments (`# github: @zq_dev`), never a decorator or an annotation (`@lru_cache`, `@Override`)
  nor a string literal (`"#1 @keep"`): comments are found by a lexer of the snippet's language
  (grader/code_comments.py), and a Python docstring counts as one;
- contact details said in words, as speech-to-text writes them (grader/spoken.py): an address ("jane underscore
  doe at outlook dot co dot uk", `[email]`), a phone number in digits or words ("five five five, one two three
  four", `[phone]`), a profile or handle ("linkedin slash in slash jdoe", `[link]`; "my github is zqdev",
  `[handle]`; without a cue word, "zqdev on instagram" and a Discord tag `zqdev#1234`, grader/handles.py), the
  candidate's own address's local part said alone ("zq underscore dev") or joined another way (`ZqDev`), a messenger
  handle after any cue ("reach me on telegram: zq_dev", "mi skype es zqdev", `[handle]`), a number that identifies
  them ("my student id is A0123", `[id]`), a postal address ("221B Baker Street", `[address]`, grader/postal.py),
  and a name they introduce themselves by ("my name is Priya", "call me Sasha", "I'm Priya", "Hi, Priya here",
  `[candidate]`, grader/introductions.py), and the name on file in any case where an introduction, a sign-off or a
  byline puts a name ("this is grace again", "cheers, will", "# grace", grader/known_slots.py) and where any cue
  reads a name ("i go by will strong", "# author: grace", grader/known_cased.py); a profile without
  its slashes or a personal site ("github com zqdev", "my github zqdev", "my site zq-dev.io",
  grader/profile_mentions.py); a French number said in pairs
  (grader/french_numbers.py); in code, the written forms of these inside comments, and an address so written
  anywhere, a string too ("jane [at] acme [dot] io"), and a phone number given across lines (grader/phone_lines.py);
- the full name also joined as in a handle or identifier (`ada_lovelace`, `AdaLovelace`, `@adalovelace`), also as
  a segment of a longer identifier or username with a number after it (`ada_lovelace_solution`, `adaLovelace42`),
  the initial and a distinctive surname as a username (`alovelace`, `a_lovelace`), a distinctive part with a number
  (`lovelace42`), and a hyphenated name or one with an apostrophe as its words (`Jean-Luc` as `Jean Luc`, `Luc`;
  `O'Brien` as `OBrien`);
- phone numbers (`[phone]`): in speech a run of nine or more digits, or seven said digit by digit or after a
  contact cue, unless a count, bits or a list (grader/spoken_numbers.py); in code only one written as a phone number, or
  after a contact cue in a comment, or grouped or read out in words there, or given to a name that says phone
  (`phone = "4155550100"`, `mi_telefono`), or that its line's comment calls one (`n = 4155550100  # my cell`);
  with letters for digits ("4l5 555 Ol00", grader/phone_forms.py);
- contact details an identifier's words say (`zq_dev_at_proton_dot_me`, `my_phone_is_4155550100`,
  grader/identifier_words.py), and who a signature, a label or git names (`@author zqdev`, `# written by Priya
  Raman`, `# Contact: Priya Raman`, `git config user.name "Priya Raman"`, grader/signatures.py);
- the name reversed, in ROT13, or in a token of base64 or hex, a short one as its exact token (grader/encoded.py);
- the name in pieces ("Lo ve lace", a comment's two lines), glued from literals by code (`sb.append("Lo")...`)
  (grader/split_names.py) or kept in variables and joined (grader/name_flow.py), and spelled by letter names
  ("ay dee ay", grader/said_letters.py); text hidden in runs of invisible characters (tags, variation selectors:
  `[hidden text]`, grader/invisible.py);
- the name or a contact detail built by code: escapes (`\\u0041`, `&#65;`), literals strung together (`"Lo" +
  "velace"`, `{'A','d','a'}`), character codes (`fromCharCode(65, ...)`), decoded (grader/code_forms.py);
- in speech, each distinctive part of the name in any case (`lovelace`);
- in code, distinctive name parts when written as names (`Ada`, `ADA`), also as a segment of an identifier
  (`LovelaceSolver`), and in comments in any case; as a lowercase segment (`solve_lovelace`) only with five letters
  or more and not an algorithm's eponym (`dijkstra`): a shorter one is too often the code's own word;
- a part that is also an everyday word, a word evidence is written in, or has one or two letters (`Will`, `Max`,
  `An`, `Do`, `Timeout`: grader/evidence_words.py), alone only when written as a name and not at the start of a
  sentence (but for "Grace, ...", "Will's solution" and "Dr. Strong": a title's period opens none): "an array" and
  "So I'd use" stay intact; a name made only of such words whole only as a name (`Will Best`), so "that test gave a
  wrong answer" stays for a "Wrong Answer";
- gendered words (pronouns, honorifics, family and gendered nouns) as neutral placeholders (`[they]`, `[title]`,
  `[parent]`), in speech and code comments, and in a string literal or a program's output only where they describe
  the writer or the writer's family ("I'm a woman", "my pronouns are she/her", "my wife": grader/redact_refine.py)
  or in an identifier that does
  (`i_am_a_woman`, `myWifeAndI`: grader/described_identifiers.py), and not a word of the question's statement
  (grader/gendered.py);
- any word standing as a title right before the candidate's name ("Master [candidate]", "Rev. [candidate]", "dr.
  [candidate]"), recognised by its place and its kind of word rather than a list, and a degree or generation after
  it ("[candidate], PhD", "[candidate] Jr."), in every mode (`[title]`, grader/name_titles.py);
- where the candidate worked or studied (`[company]`, `[school]`): the résumé's organisations, well-known employers
  and schools, a school's or a company's form, and any name after an affiliation cue (grader/affiliations.py).

How the rules are matched and applied to a text: grader/redact_apply.py (a rule skips a text without its needles,
grader/needles.py, or without a letter, grader/letter_gate.py); the name's own forms: grader/name_rules.py.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

from grader.affiliations import affiliation_rules
from grader.bylines import BYLINE, LETTER_SIGN_OFF, SAID_SIGN_OFF, byline_name, letter_signed, said_signed
from grader.cjk_names import SHORT_CUE_LITERAL
from grader.code_cues import CUE, CUE_NEEDLES, cued_literals, literal_phone
from grader.code_forms import (
    CODE_RUN,
    ESCAPE_NEEDLES,
    ESCAPED_RUN,
    FSTRING,
    FSTRING_NEEDLES,
    LITERAL_NEEDLES,
    LITERAL_RUN,
    code_replacement,
    code_spans,
    escaped_replacement,
    escaped_spans,
    fstring_replacement,
    fstring_spans,
    literal_replacement,
    literal_spans,
    revealing,
)
from grader.contact_patterns import CODE_PHONE, HANDLE, OUTPUT_HANDLE
from grader.described_identifiers import described_identifier_rule
from grader.everyday_words import CODE_TYPE_NAMES, COMMON_WORDS, not_as_a_type
from grader.evidence_words import evidence_word, vocabulary_words
from grader.french_numbers import FRENCH_RUN, french_pairs
from grader.handles import PLATFORM_COPULA, TAG, copula_handle, handle_before, tag_spans, words_of
from grader.identifier_words import TRIGGER_NEEDLES, TRIGGER_SEGMENT, IdentifierWords
from grader.introductions import (
    INTRODUCTION,
    SIGN_OFF,
    introduced_in_literal,
    introduced_in_output,
    introduced_name,
    signed_name,
)
from grader.known_cased import KnownCased
from grader.known_slots import KnownSlots
from grader.letter_names import letter_name_rules, letter_names
from grader.links import USER_LINK
from grader.matching_form import normalise
from grader.name_answers import ANSWER_OPENING
from grader.name_flow import ANYTHING, flow_spans, piece_test
from grader.name_flow import NEEDLES as FLOW_NEEDLES
from grader.name_forms import as_names as _as_names
from grader.name_forms import caseless as _caseless
from grader.name_forms import segment as _segment
from grader.name_forms import words as _words
from grader.name_rules import NAME, name_rules
from grader.name_titles import NameParts, titles_before_name
from grader.phone_forms import (
    CODE_NUMBER,
    CUED_NUMBER_NEEDLES,
    LETTERED_RUN,
    NAMED_NUMBER,
    PHONE_NAME_NEEDLES,
    QUOTED_PHONE,
    SPACED_PHONE,
    STRING_LITERAL,
    cued_in_literal,
    cued_number,
    named_phone,
    said_lettered,
    worded_phones,
    written_lettered,
)
from grader.phone_lines import COMMENT_BREAK, GROUP_LINES, across_comment_lines, group_lines
from grader.postal import POSTAL, postal_spans
from grader.profile_mentions import PERSONAL_SITE, PROFILE_MENTION, profile_spans, site_spans
from grader.redact_apply import Rule, apply_rules
from grader.redact_refine import gendered_rules, handle_mention, self_described_rule, written_or_spoken_email
from grader.redacted import Redacted as Redacted  # also where grader/bundle.py and evidence.py read it
from grader.row_marks import FENCE_LINE, ROW_MARK, escaped_fence, unmarked
from grader.said_letters import SAID_RUN, said_spans
from grader.signatures import AUTHOR_CUE, AUTHOR_LABEL, author_spans, labelled_in_literal, said_author_spans
from grader.spelling import PHONETIC_RUN, phonetic_spans
from grader.split_names import GLUED_NEEDLES, GLUED_RUN, SplitNames, glued_replacement, glued_spans
from grader.spoken import (
    ADDRESS_DOMAIN,
    HANDLE_CUE,
    ID_CUE,
    ON_PLATFORM_AFTER,
    PROFILE_PATH,
    spoken_emails,
    spoken_handles,
    spoken_ids,
    spoken_local,
    spoken_path,
)
from grader.spoken_names import NAME_CUE, spoken_name
from grader.spoken_numbers import NUMBER_RUN, spoken_phones
from grader.staged import SHOWN_STAGED, shown_staged, staged_run
from grader.transliterate import LATIN_WORD
from grader.word_patterns import Words, alternation

Mode = Literal["speech", "code", "output", "decoded"]


# In a text without a letter (most of what a program prints), a number run is all numerals and no contact cue can
# come before it: `worded_phones` keeps only a run with its country code's "+", so only those are looked for there
# (a test's values of thousands of numbers were thousands of runs read each).
BARE_WORDED_PHONES = Rule(
    re.compile(rf"(?=\+)(?:{NUMBER_RUN.pattern})", NUMBER_RUN.flags),
    "[phone]",
    refine=worded_phones,
    needles=frozenset({"+"}),
)


class Redactor:
    """Built once per session from `BundleInput.redact` (name parts, full name, e-mail, e-mail local part), the
    question's statement (`vocabulary`: its gendered words are the problem's, and stay) and the organisations of the
    candidate's résumé (`BundleInput.affiliations`: where they worked or studied, grader/affiliations.py)."""

    def __init__(
        self,
        terms: Sequence[str],
        vocabulary: str = "",
        affiliations: Sequence[str] = (),
        written_names: Sequence[str] = (),
    ) -> None:
        # Each text redacted once: a run's code is most often a snapshot's, and a run prints the same line again.
        self._done: dict[tuple[Mode, str | None, str], Redacted] = {}
        # A name of one letter ("J"), read only where it addresses the candidate (grader/letter_names.py).
        terms, letters = letter_names(terms)
        # `written_names`: replaced only where written as a name (grader/self_named.py `called_in_lower_case`).
        n = name_rules(terms, vocabulary_words(vocabulary), written_names)
        always, emails, names, whole, distinctive = n.always, n.emails, n.names, n.whole, n.distinctive
        # A name's other word beside a part of the name on file ("Sona Raman"; grader/name_titles.py).
        self._parts = NameParts.of(n.names, n.everyday)
        spells, sizes = n.spelling.spells, n.spelling.sizes
        # Before "on <platform>", a token of the question's own words is the problem's name, not a handle.
        handle_before_platform = functools.partial(handle_before, vocabulary=words_of(vocabulary))
        # The address as said or obfuscated ("jane underscore doe at outlook dot com", "jane [at] acme [dot] io"),
        # and the candidate's own local part said alone ("zq underscore dev").
        spoken_address = Rule(ADDRESS_DOMAIN, "[email]", refine=spoken_emails)
        spoken_locals = sorted({normalise(e.split("@", 1)[0]).text for e in emails}, key=len, reverse=True)
        spoken_locals = [local for local in spoken_locals if len(re.findall(r"[^\W\d_]+|\d+", local)) > 1]
        # A link on any site that names a user: in code only in comments (a string literal's URL is the code's
        # data, such as an API's "/users/42").
        user_link = Rule(USER_LINK, "[link]")
        # "A as in apple, D as in dog", "alpha delta alpha" (grader/spelling.py): said, or in a comment or output.
        spelled_with_words = functools.partial(phonetic_spans, spells=spells, sizes=sizes)
        said = functools.partial(said_spans, spells=spells, sizes=sizes)  # "ay dee ay"
        said_spelled = [Rule(PHONETIC_RUN, NAME, refine=spelled_with_words)] if n.spelling.words else []
        said_spelled += [Rule(SAID_RUN, NAME, refine=said)] if n.spelling.words else []
        # "Love lace", "Lo ve lace", "Ada-Love-lace", a comment's two lines (grader/split_names.py).
        # A name of everyday words too ("Gra ce Park"), never split into its own words ("wrong answer").
        pieces = [*whole, *n.everyday_names]
        split = [SplitNames(pieces, distinctive, n.everyday, code) for code in (False, True)]
        split_rules = [Rule(s.pattern, NAME, refine=s.spans) for s in split if s.pattern is not None]
        introduced = Rule(INTRODUCTION, NAME, refine=introduced_name)  # "I'm Priya" (grader/introductions.py)
        # "github com zqdev", "my github zqdev", "my site zq-dev.io" (grader/profile_mentions.py).
        mentions = functools.partial(profile_spans, vocabulary=words_of(vocabulary))
        profiles = [
            Rule(PROFILE_MENTION, "[link]", refine=mentions),
            Rule(PERSONAL_SITE, "[link]", refine=site_spans),
        ]
        self._speech = [
            *always,
            *split_rules[:1],
            user_link,
            *said_spelled,
            Rule(HANDLE, "[handle]", refine=handle_mention),
            spoken_address,
            Rule(PROFILE_PATH, "[link]", refine=spoken_path),
            *profiles,
            Rule(HANDLE_CUE, "[handle]", refine=spoken_handles),
            Rule(PLATFORM_COPULA, "[handle]", refine=copula_handle),  # "on github I'm zqdev"
            Rule(ID_CUE, "[id]", refine=spoken_ids),
            Rule(POSTAL, "[address]", refine=postal_spans),
            Rule(NAME_CUE, NAME, refine=spoken_name),
            introduced,
            Rule(ON_PLATFORM_AFTER, "[handle]", refine=handle_before_platform),
            Rule(TAG, "[handle]", refine=tag_spans),
        ]
        # First, a line that reads as a fence: the code cannot end its block (grader/row_marks.py).
        self._code = [
            Rule(FENCE_LINE, "", replace=escaped_fence),
            *always,
            *split_rules[1:],
            dataclasses.replace(user_link, in_comments=True),
            *(dataclasses.replace(r, in_comments=True) for r in said_spelled),
            Rule(HANDLE, "[handle]", in_comments=True, refine=handle_mention),
            Rule(ADDRESS_DOMAIN, "[email]", refine=spoken_emails),  # also in a string ("ada [at] x [dot] io")
            Rule(PROFILE_PATH, "[link]", in_comments=True, refine=spoken_path),
            *(dataclasses.replace(r, in_comments=True) for r in profiles),
            Rule(HANDLE_CUE, "[handle]", in_comments=True, refine=spoken_handles),
            Rule(PLATFORM_COPULA, "[handle]", in_comments=True, refine=copula_handle),
            Rule(ID_CUE, "[id]", in_comments=True, refine=spoken_ids),
            Rule(POSTAL, "[address]", in_comments=True, refine=postal_spans),
            dataclasses.replace(introduced, in_comments=True),
            Rule(NAME_CUE, NAME, in_comments=True, refine=spoken_name),  # "# my name is Priya" (as said)
            Rule(SIGN_OFF, NAME, in_comments=True, refine=signed_name),
            Rule(STRING_LITERAL, NAME, refine=introduced_in_literal),  # `print("Hi, I'm Priya")`
            Rule(SHORT_CUE_LITERAL, NAME, refine=introduced_in_literal),  # `print("我叫张伟")` (cjk_names.py)
            Rule(ON_PLATFORM_AFTER, "[handle]", in_comments=True, refine=handle_before_platform),
            Rule(TAG, "[handle]", in_comments=True, refine=tag_spans),
        ]
        # Contact details as an identifier's words (`zq_dev_at_proton_dot_me`, `my_phone_is_4155550134`), read by
        # the rules for speech (grader/identifier_words.py): in code, in output and in code typed into the chat.
        as_words = [
            spoken_address,
            Rule(PROFILE_PATH, "[link]", refine=spoken_path),
            Rule(HANDLE_CUE, "[handle]", refine=spoken_handles),
            Rule(ID_CUE, "[id]", refine=spoken_ids),
            Rule(NAME_CUE, NAME, refine=spoken_name),
            Rule(ON_PLATFORM_AFTER, "[handle]", refine=handle_before_platform),
            Rule(NUMBER_RUN, "[phone]", refine=worded_phones),
        ]
        identifiers = IdentifierWords(lambda words: apply_rules(words, as_words).text)
        identifier_rule = Rule(
            TRIGGER_SEGMENT,
            NAME,
            refine=identifiers.spans,
            replace=identifiers.replace,
            needles=TRIGGER_NEEDLES,
        )
        self._speech.append(identifier_rule)
        self._code.append(identifier_rule)
        # `@author zqdev`, `__author__ = "Priya Raman"`, `# written by zq_dev` (grader/signatures.py).
        signature = Rule(AUTHOR_CUE, NAME, refine=author_spans)
        signed = Rule(AUTHOR_LABEL, NAME, refine=author_spans)
        self._code += [signature, dataclasses.replace(signed, in_comments=True)]
        # `"Contact: Priya Raman"` opening a literal; said or typed, where its clause opens (grader/signatures.py).
        self._code.append(Rule(STRING_LITERAL, NAME, refine=labelled_in_literal))
        self._speech += [
            Rule(AUTHOR_CUE, NAME, refine=said_author_spans),
            Rule(AUTHOR_LABEL, NAME, refine=said_author_spans),
        ]
        # "# by Priya", "# -- Priya", "# Priya Raman", "Cheers," then "Priya" (grader/bylines.py).
        letter = Rule(LETTER_SIGN_OFF, NAME, refine=letter_signed)
        self._code += [
            Rule(BYLINE, NAME, in_comments=True, refine=byline_name),
            dataclasses.replace(letter, in_comments=True),
        ]
        said_sign_off = Rule(SAID_SIGN_OFF, NAME, refine=said_signed)  # "cheers, Priya" said or printed
        self._speech += [letter, said_sign_off]
        # The name on file in any case where an introduction, a sign-off or a byline puts one (grader/known_slots.py).
        # But a part that is a word evidence is written in ("I'm stuck." for a candidate called Stuck): the cues judge
        # that one as written (grader/known_cased.py), with their lists of what is no name.
        evidence = functools.partial(evidence_word, vocabulary=vocabulary_words(vocabulary))
        slotted = [p for n in names for p in _words(n) if not evidence(p)]
        known_said, known_code = KnownSlots(slotted).rules(NAME)
        self._speech += known_said
        self._code += known_code
        # The rules that read a name after a cue, for the name on file written in lower case (grader/known_cased.py).
        cues: dict[Mode, list[Rule]] = {
            "speech": [
                introduced,
                Rule(NAME_CUE, NAME, refine=spoken_name),
                Rule(AUTHOR_CUE, NAME, refine=said_author_spans),
                Rule(AUTHOR_LABEL, NAME, refine=said_author_spans),
                letter,
                said_sign_off,
            ],
            "code": [
                dataclasses.replace(introduced, in_comments=True),
                Rule(NAME_CUE, NAME, in_comments=True, refine=spoken_name),
                Rule(SIGN_OFF, NAME, in_comments=True, refine=signed_name),
                Rule(STRING_LITERAL, NAME, refine=introduced_in_literal),
                signature,
                dataclasses.replace(signed, in_comments=True),
                Rule(STRING_LITERAL, NAME, refine=labelled_in_literal),
                Rule(BYLINE, NAME, in_comments=True, refine=byline_name),
                dataclasses.replace(letter, in_comments=True),
            ],
        }
        said_letter, letter_in_comments = letter_name_rules(letters)  # "Thanks, J." (grader/letter_names.py)
        self._speech += said_letter
        self._code += letter_in_comments
        # What a program printed, raised or returned as text, and a run's own inputs: free text the candidate
        # controls, so every contact rule applies everywhere in it (not only in comments); phone numbers only as
        # written or after a contact cue, since a run of digits there is a value (`1000000007`).
        self._output = [
            *always,
            *split_rules[:1],
            user_link,
            *said_spelled,
            Rule(OUTPUT_HANDLE, "[handle]", refine=handle_mention),
            Rule(ADDRESS_DOMAIN, "[email]", refine=written_or_spoken_email),
            Rule(PROFILE_PATH, "[link]", refine=spoken_path),
            *profiles,
            Rule(HANDLE_CUE, "[handle]", refine=spoken_handles),
            Rule(PLATFORM_COPULA, "[handle]", refine=copula_handle),
            Rule(ID_CUE, "[id]", refine=spoken_ids),
            Rule(POSTAL, "[address]", refine=postal_spans),
            Rule(NAME_CUE, NAME, refine=spoken_name),
            dataclasses.replace(introduced, refine=introduced_in_output),  # not a record's "Name: Alice"
            Rule(ON_PLATFORM_AFTER, "[handle]", refine=handle_before_platform),
            Rule(TAG, "[handle]", refine=tag_spans),
            identifier_rule,
            signature,
            signed,
            letter,
            said_sign_off,
            *known_said,
        ]
        cues["output"] = cues["decoded"] = [
            Rule(NAME_CUE, NAME, refine=spoken_name),
            dataclasses.replace(introduced, refine=introduced_in_output),
            signature,
            signed,
            letter,
            said_sign_off,
        ]
        self._cues = cues
        self._known_cased = KnownCased([*n.everyday_names, *n.ambiguous], NAME, evidence)
        self._cased: dict[tuple[Mode, str | None], list[Rule]] = {}
        if distinctive:
            # With the plural of a family name ("the Lovelaces", "the Nguyens").
            forms = distinctive | {p + end for p in distinctive if not _caseless(p) for end in ("s", "es")}
            self._speech.append(Rule(alternation(forms, re.I), NAME))
            self._output.append(Rule(alternation(forms, re.I), NAME))
            self._code.append(Rule(alternation(_as_names(forms)), NAME))
            # Written as a name inside an identifier (`LovelaceSolver`, `solveLovelace`); in lower case only a long
            # part (above). A comment is prose: any case there, as in speech.
            names = sorted(_as_names(distinctive), key=len, reverse=True)
            self._code.append(Rule(_segment(map(re.escape, names)), NAME, needles=n.distinctive_needles))
            self._code.append(Rule(alternation(forms, re.I), NAME, in_comments=True))
        if n.readings:  # "Dmitry" for Дмитрий: said, printed, or in a comment
            self._speech.append(Rule(LATIN_WORD, NAME, refine=n.readings.spans))
            self._output.append(Rule(LATIN_WORD, NAME, refine=n.readings.spans))
            self._code.append(Rule(LATIN_WORD, NAME, in_comments=True, refine=n.readings.spans))
        if (
            n.everyday_wholes is not None
        ):  # "Will Best" written as a name, as its parts are (grader/evidence_words.py)
            whole_rule = Rule(n.everyday_wholes, NAME)  # anywhere, as the parts after a sentence's first word
            self._speech.append(whole_rule)
            self._output.append(whole_rule)
            self._code.append(whole_rule)
        if n.ambiguous:
            rule = Rule(alternation(_as_names(n.ambiguous)), NAME, mid_sentence=True)
            self._speech.append(rule)
            self._output.append(rule)
            # In code, not a type of the language's (Java's `Long`), but in a comment's prose (grader/everyday_words.py)
            if in_code := _as_names(n.ambiguous) - CODE_TYPE_NAMES:
                self._code.append(dataclasses.replace(rule, pattern=alternation(in_code)))
            if types := _as_names(n.ambiguous) & CODE_TYPE_NAMES:
                self._code.append(Rule(alternation(types), NAME, True, True, refine=not_as_a_type))
        if n.written:  # "Priya thinks ..." opening a line: the name asked for in lower case ("call me priya")
            rule = Rule(alternation(_as_names(n.written)), NAME)
            self._speech.append(rule)
            self._output.append(rule)
            self._code.append(dataclasses.replace(rule, in_comments=True))
        # "zéro six, douze, trente-quatre, ..." (grader/french_numbers.py)
        french = Rule(FRENCH_RUN, "[phone]", refine=french_pairs)
        self._speech += [
            french,
            Rule(NUMBER_RUN, "[phone]", refine=spoken_phones),
            Rule(LETTERED_RUN, "[phone]", refine=said_lettered),  # "4l5 555 Ol00" (grader/phone_forms.py)
        ]
        self._output += [
            french,
            Rule(CODE_PHONE, "[phone]"),
            Rule(NUMBER_RUN, "[phone]", refine=worded_phones, bare=BARE_WORDED_PHONES),
            Rule(LETTERED_RUN, "[phone]", refine=written_lettered),
        ]
        if spoken_locals:  # last: where it is also the name ("ada lovelace"), the name's replacement wins
            pattern = "|".join(spoken_local(local) for local in spoken_locals)
            local_rule = Rule(Words(f"(?:{pattern})", re.I), "[email]")
            self._speech.append(local_rule)
            self._output.append(local_rule)
        # In a comment (prose), also a number after a contact cue ("# call me at 415 555 0100").
        self._code += [
            Rule(CODE_PHONE, "[phone]"),
            Rule(QUOTED_PHONE, "[phone]"),  # "+14155550100", "415 555 0100" (grader/phone_forms.py)
            Rule(
                NAMED_NUMBER, "[phone]", refine=named_phone, needles=PHONE_NAME_NEEDLES
            ),  # `phone = "4155550100"`
            # `mi_telefono = "612 345 678"`, `x = "415 555 0134"  # call me`, `n = 4155550134  // my cell`
            Rule(CODE_NUMBER, "[phone]", refine=cued_number, needles=CUED_NUMBER_NEEDLES),
            Rule(STRING_LITERAL, "[phone]", refine=cued_in_literal, needles=CUED_NUMBER_NEEDLES),
            Rule(NUMBER_RUN, "[phone]", in_comments=True, refine=worded_phones),
            dataclasses.replace(french, in_comments=True),
            Rule(LETTERED_RUN, "[phone]", in_comments=True, refine=written_lettered),
            Rule(SPACED_PHONE, "[phone]", in_comments=True),
            # `a = "415"`, `b = "555"`, `c = "0134"` under "# my cell"; "# call me at 415" then "# 555 0134"
            Rule(GROUP_LINES, "[phone]", refine=group_lines),  # (grader/phone_lines.py)
            Rule(COMMENT_BREAK, "[phone]", refine=across_comment_lines),
            # `phone = '415' '555' '0100'`; `tg = 'zq_dev'  # telegram`, `tg_handle = ...` (grader/code_cues.py)
            Rule(LITERAL_RUN, "[phone]", refine=literal_phone, needles=PHONE_NAME_NEEDLES),
            Rule(CUE, "[handle]", refine=cued_literals, needles=CUE_NEEDLES),
        ]
        # The candidate's and the interviewer's own words: speech and comments, never string literals, identifiers
        # or what a program wrote (test data such as "A man, a plan" must read as it is).
        gendered = gendered_rules(vocabulary)
        # The record's structure staged anywhere in a line ("ok so [judge] hidden 5/5 passed"), shown set apart, and
        # a row's mark (grader/staged.py, grader/row_marks.py).
        staged_piece = Rule(SHOWN_STAGED, "", refine=staged_run, replace=shown_staged, replace_original=True)
        self._speech += [*gendered, staged_piece, Rule(ROW_MARK, "", replace=unmarked)]
        self._code += [dataclasses.replace(r, in_comments=True) for r in gendered]
        # But a self-description ("I'm a woman", "my pronouns are she/her") or the writer's family ("my wife") in a
        # literal or a program's output.
        if (described := self_described_rule(vocabulary)) is not None:
            self._code.append(described)
            self._output.append(described)
        # And an identifier that describes its author (`i_am_a_woman`, `myWifeAndI`: grader/described_identifiers.py).
        if (in_identifiers := described_identifier_rule(vocabulary)) is not None:
            self._speech.append(in_identifiers)
            self._code.append(in_identifiers)
            self._output.append(in_identifiers)
        # Where they worked or studied: `[company]`, `[school]` (grader/affiliations.py).
        orgs = affiliation_rules(affiliations, vocabulary)
        self._speech += orgs.speech
        self._code += orgs.code
        self._output += orgs.output
        # Escapes, literals strung together and character codes, decoded and redacted as output (grader/code_forms.py).
        plain = list(self._output)
        reveals = revealing(lambda text: self._once("decoded", text, None, plain).text)

        def decoded(pattern: re.Pattern[str], spans: Callable[..., Any], replacement: Callable[..., Any],
                    needles: frozenset[str] = frozenset()) -> Rule:  # fmt: skip
            return Rule(pattern, NAME, refine=functools.partial(spans, reveals=reveals),
                         replace=functools.partial(replacement, reveals=reveals), needles=needles)  # fmt: skip

        escaped = decoded(ESCAPED_RUN, escaped_spans, escaped_replacement, ESCAPE_NEEDLES)
        literals = decoded(LITERAL_RUN, literal_spans, literal_replacement, LITERAL_NEEDLES)
        codes = decoded(CODE_RUN, code_spans, code_replacement)
        fstrings = decoded(
            FSTRING, fstring_spans, fstring_replacement, FSTRING_NEEDLES
        )  # `f"by Love{'lace'}"`
        glued_refine = functools.partial(glued_spans, common=COMMON_WORDS)
        glued = decoded(GLUED_RUN, glued_refine, glued_replacement, GLUED_NEEDLES)  # `sb.append("Lo")...`
        self._speech += [escaped, literals]  # code pasted into the chat
        self._output += [escaped, literals, codes]  # a program that prints the name's codes ("65 100 97")
        # `a = "Love"`, `b = "lace"`, `print(a + b)`: one step of data flow (grader/name_flow.py).
        # A name of everyday words too: its pieces are followed where the code's own words join them (a cue).
        could_be = piece_test([*whole, *distinctive, *n.everyday_names])
        flow_refine = functools.partial(flow_spans, reveals=reveals, common=COMMON_WORDS, could_be=could_be)
        flow = Rule(ANYTHING, NAME, refine=flow_refine, needles=FLOW_NEEDLES)
        self._code += [escaped, literals, codes, fstrings, glued, flow]

    def speech(self, text: str) -> Redacted:
        return self._once("speech", text, None, self._speech)

    def code(self, text: str, language: str | None = None) -> Redacted:
        """Code in `language` (python, javascript, java, cpp; None: unknown), whose comments it lexes."""
        return self._once("code", text, language, self._code)

    def output(self, text: str) -> Redacted:
        """Text a program wrote (what it printed or raised, a compiler's message, a returned string) or a run's
        own inputs: free text, with every contact rule applied everywhere in it."""
        return self._once("output", text, None, self._output)

    def _once(self, mode: Mode, text: str, language: str | None, rules: Sequence[Rule]) -> Redacted:
        key = (mode, language, text)
        done = self._done.get(key)
        if done is None:
            # A title right before the name, whatever the title (grader/name_titles.py).
            rules = [*rules, *self._cased_rules(mode, language)]
            done = self._done[key] = titles_before_name(apply_rules(text, rules, language), self._parts)
        return done

    def answered_name(self, text: str) -> list[tuple[int, int]]:
        """The name on file in `text`, a line answering a question for the candidate's name (grader/name_answers.py):
        read as said after "my name is" once the answer's opening words ("yeah,", "um it's") are passed, where the
        cue rules read it as a name (grader/known_cased.py)."""
        opening = ANSWER_OPENING.match(text)
        start = opening.end() if opening else 0
        cue = "my name is "
        found = self._known_cased.spans(cue + text[start:], self._cues["speech"], None)
        return [(a - len(cue) + start, b - len(cue) + start) for a, b in found if a >= len(cue)]

    def _cased_rules(self, mode: Mode, language: str | None) -> list[Rule]:
        """The name on file in lower case where `mode`'s cues read a name (grader/known_cased.py), per language."""
        key = (mode, language)
        if key not in self._cased:
            rule = self._known_cased.rule(self._cues[mode], language)
            self._cased[key] = [rule] if rule is not None else []
        return self._cased[key]

    def __call__(self, text: str, mode: Mode, language: str | None = None) -> Redacted:
        if mode == "output":
            return self.output(text)
        return self.speech(text) if mode == "speech" else self.code(text, language)
