"""Redaction keeps the candidate's identity out of the model's input without garbling what they said or wrote."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.db.bundle_repo import redaction_terms
from grader.affiliations import affiliation_rules
from grader.redact import Redactor
from grader.redact_apply import _starts_sentence
from grader.word_patterns import UNSPACED, Words, alternation, compiled_alternation


def test_name_email_phone_and_links_are_replaced_in_speech_and_mapped_back() -> None:
    r = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
    said = "I'm ada   LOVELACE; mail ada.lovelace@example.com or x@y.org, call +44 20 7946 0958, github.com/adal."
    out = r.speech(said)
    assert out.text == "I'm [candidate]; mail [email] or [email], call [phone], [link]."
    at = out.text.index("[phone]")
    start, end = out.original_span(at, at + len("[phone]"))
    assert said[start:end] == "+44 20 7946 0958"


def test_code_keeps_identifiers_that_merely_contain_or_equal_a_short_lowercase_name_part() -> None:
    # A lowercase segment of five letters or more is the name (`lovelace_count`); a shorter one (`ada`) too often
    # the code's own word, and letters run into others (`adalovelaces`) are another word.
    r = Redactor(redaction_terms("Ada Lovelace", "ada@example.com"))
    out = r.code("# Ada Lovelace\nada = lovelace_count = adalovelaces = 1\nclass ADA: pass\n")
    assert out.text == "# [candidate]\nada = [candidate]_count = adalovelaces = 1\nclass [candidate]: pass\n"


@pytest.mark.parametrize(
    ("name", "said", "expected"),
    [
        ("An Do", "Hi An, welcome. An array is fine, so do it. Thanks, An Do!",
         "Hi [candidate], welcome. An array is fine, so do it. Thanks, [candidate]!"),
        ("Will Max Turner", "Hi Will. I will use a max heap. Max, thanks.",
         "Hi [candidate]. I will use a max heap. [candidate], thanks."),
        ("Grace Park", "So grace period is two. Grace, the park example works.",
         "So grace period is two. [candidate], the park example works."),
        ("Li Wu", "Li said the list is sorted, right Wu?", "Li said the list is sorted, right [candidate]?"),
    ],
)  # fmt: skip
def test_names_that_are_everyday_words_only_go_when_written_as_names(
    name: str, said: str, expected: str
) -> None:
    assert Redactor(redaction_terms(name, None)).speech(said).text == expected


@pytest.mark.parametrize(
    ("name", "said", "expected"),
    [
        ("Will Smith", "Will's approach: a hash map. It's linear.", "[candidate]'s approach: a hash map. It's linear."),
        ("Grace Park", "Done. Grace\u2019s idea was the map.", "Done. [candidate]\u2019s idea was the map."),
        ("Jo Li", "Jo's turn: Li's loop is linear.", "[candidate]'s turn: [candidate]'s loop is linear."),
        # "'s" as a contraction, or on an everyday word not written as a name, is not a name
        ("He Wei", "He's done. It's fine.", "[they]'s done. It's fine."),
        ("Will Smith", "will's fine, so max's index stays.", "will's fine, so max's index stays."),
    ],
)  # fmt: skip
def test_a_name_that_is_an_everyday_word_goes_where_it_owns_something_at_a_sentence_start(
    name: str, said: str, expected: str
) -> None:
    """ "Grace's map", "# Will's solution": a possessive makes a capitalised word a name where it opens a sentence,
    where the name alone is left as an everyday word ("Grace period", "Will do"); "He's", "It's" are contractions."""
    assert Redactor(redaction_terms(name, None)).speech(said).text == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("# Will's solution\nseen = {}  # Max's map", "# [candidate]'s solution\nseen = {}  # [candidate]'s map"),
        ('print("Will\'s answer")', 'print("[candidate]\'s answer")'),
        ("# Will do: Max heap\nmax_heap = []", "# Will do: Max heap\nmax_heap = []"),
    ],
)  # fmt: skip
def test_a_possessive_name_that_is_an_everyday_word_is_redacted_in_code(code: str, expected: str) -> None:
    assert Redactor(redaction_terms("Will Max Turner", None)).code(code, "python").text == expected


def test_numbers_in_code_are_not_phone_numbers() -> None:
    r = Redactor(redaction_terms("Ada Lovelace", None))
    code = "MOD = 1_000_000_007\nnums = [1000000007, 2, 3]\n"
    assert r.code(code).text == code


def test_a_file_header_with_the_name_joined_as_a_handle_and_a_phone_number_is_redacted_in_code() -> None:
    """An author line, a handle or an identifier spells the full name without a space; a contact line in a comment
    has a phone number written as one. Plain numbers in code stay numbers."""
    r = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
    code = (
        "# Author: AdaLovelace (@adalovelace, ada_lovelace on Slack), tel. +1 (415) 555-0100 or 415-555-0101\n"
        "MOD = 1_000_000_007\nnums = [1000000007, 2, 3]\nwhen = '2024-11-30'\n"
    )
    out = r.code(code)
    assert out.text == (
        "# Author: [candidate] ([handle], [candidate] on Slack), tel. [phone] or [phone]\n"
        "MOD = 1_000_000_007\nnums = [1000000007, 2, 3]\nwhen = '2024-11-30'\n"
    )
    at = out.text.index("[phone]")
    start, end = out.original_span(at, at + len("[phone]"))
    assert code[start:end] == "+1 (415) 555-0100"  # a quote across it still maps back to the original
    # A short name's parts joined make an everyday word, which stays.
    assert Redactor(redaction_terms("An Do", None)).speech("Yo ando bien, an_do.").text == (
        "Yo ando bien, [candidate]."
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # The full name as one segment of a longer identifier, snake or camel case, with a number after it.
        ("def ada_lovelace_solution(): pass", "def [candidate]_solution(): pass"),
        ("def solve_by_ada_lovelace(): pass", "def solve_by_[candidate](): pass"),
        ("def adaLovelaceSolution(): pass", "def [candidate]Solution(): pass"),
        ("class AdaLovelaceSolver: pass", "class [candidate]Solver: pass"),
        ("x = solveAdaLovelace2(nums)", "x = solve[candidate](nums)"),
        ("# github: adalovelace42", "# github: [candidate]"),
        # The initial and the surname, as in a username or an author line.
        ("# by ALovelace, alovelace, a_lovelace", "# by [candidate], [candidate], [candidate]"),
        ("# Author: alovelace1990", "# Author: [candidate]"),
        # A distinctive part as a capitalised segment of an identifier, and in a comment's prose in any case.
        ("class LovelaceSolver: pass", "class [candidate]Solver: pass"),
        ("def solveLovelace(): pass", "def solve[candidate](): pass"),
        ("# lovelace wrote this; lovelace42", "# [candidate] wrote this; [candidate]"),
        # A distinctive part of five letters or more as a lowercase segment, in an identifier or a string.
        ("ada = lovelace_count = 1", "ada = [candidate]_count = 1"),
        ("s = 'lovelace'", "s = '[candidate]'"),
        # Identifiers that merely contain a short lowercase part, or the parts run into other letters, stay.
        ("adalovelaces = 1; adalovelacesort()", "adalovelaces = 1; adalovelacesort()"),
        ("ada = ada_count = 1", "ada = ada_count = 1"),
    ],
)
def test_a_name_inside_an_identifier_or_a_username_is_redacted_in_code(code: str, expected: str) -> None:
    r = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
    assert r.code(code, "python").text == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("I'm alovelace on there, or a.lovelace", "I'm [candidate] on there, or [candidate]"),
        ("it's ALovelace or adalovelace42", "it's [candidate] or [candidate]"),
        ("lovelace42 everywhere", "[candidate] everywhere"),
    ],
)
def test_a_username_of_the_initial_and_surname_or_the_name_and_a_number_is_redacted_in_speech(
    said: str, expected: str
) -> None:
    r = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
    assert r.speech(said).text == expected
    assert r.output(said).text == expected


@pytest.mark.parametrize("name", ["Val Kilmer", "Len Sum", "Sam Tail"])
def test_a_name_part_that_is_a_word_of_code_stays_inside_identifiers(name: str) -> None:
    """A name part that is a word of code (`val`, `len`, `sum`, `cur`, `tail`) is a segment of many identifiers:
    `maxVal`, `minLen`, `prefixSum2` are code, not the candidate."""
    r = Redactor(redaction_terms(name, None))
    code = "maxVal = prevVal + val2\nminLen = len1 + curLen\nprefixSum2 = runSum\ncurTail = tail2\n"
    assert r.code(code, "python").text == code


def test_an_initial_joined_to_a_short_or_everyday_surname_stays_a_word() -> None:
    """ "skim" is S. Kim's initial and surname, "clang" C. Lang's: directly joined, only six letters or more."""
    assert Redactor(redaction_terms("Sam Kim", None)).speech("We skim the list.").text == "We skim the list."
    assert Redactor(redaction_terms("Chris Lang", None)).code("# build with clang\n").text == (
        "# build with clang\n"
    )
    assert (
        Redactor(redaction_terms("Jo Smith", None)).speech("jsmith and j.smith").text == "jsmith and j.smith"
    )


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("It's A-D-A, A D A.", "It's [candidate]."),
        ("my name is a d a l o v e l a c e", "my name is [candidate]"),
        ("Ada, that's A. D. A., and then L O V E L A C E.", "[candidate], that's [candidate]., and then [candidate]."),
        ("spelled l-o-v-e-l-a-c-e, then a-d-a", "spelled [candidate], then [candidate]"),
        ("I'm A D A I think, and L.O.V.E.L.A.C.E", "I'm [candidate] I think, and [candidate]"),
        ("it's a L\u2013O\u2013V\u2013E\u2013L\u2013A\u2013C\u2013E", "it's a [candidate]"),  # en dashes
        ("\uff2c \uff2f \uff36 \uff25 \uff2c \uff21 \uff23 \uff25!", "[candidate]!"),  # full-width letters
        ("L O V E L A C E, A D A", "[candidate]"),  # surname first
        ("A-D-A B-F-S", "[candidate] B-F-S"),
    ],
)  # fmt: skip
def test_a_name_spelled_out_letter_by_letter_is_redacted(said: str, expected: str) -> None:
    """A candidate spells their name for the interviewer (and speech-to-text writes it letter by letter)."""
    r = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
    assert r.speech(said).text == expected
    assert r.code(f"# {said}\n").text == f"# {expected}\n"
    # Another name's letters are not this candidate's.
    assert r.speech("A N A, K-I-M").text == "A N A, K-I-M"
    assert Redactor(redaction_terms("Ana Kim", None)).speech("I use a map, A N A, K-I-M, B-F-S").text == (
        "I use a map, [candidate], B-F-S"
    )


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Al Ng", "I'd do B-F-S, then D-F-S; O of N, or O(N log N). Algebra, along, sing, a long list."),
        ("Al Ng", "A-L-G-O, the N-G-I-N-X config, x, y, z = 1, 2, 3"),
        ("Bo Li", "B-F-S on a boolean grid, B-O-O-L, O of N, L-I-S-T"),
        ("Ada Lovelace", "a D A G, N-A-D-A-L, A-D-A-M, B-F-S, D-P, a b c"),
        ("Ana Kim", "banana, a n a l y s i s, K-I-M-C-H-I, I use a map"),
    ],
)
def test_spelled_out_algorithm_talk_and_other_words_stay_for_short_names(name: str, said: str) -> None:
    """Only letters that spell the name, set apart as a whole, are the name: acronyms and words stay."""
    r = Redactor(redaction_terms(name, None))
    assert r.speech(said).text == said
    assert r.code(f"# {said}\n").text == f"# {said}\n"


def test_a_name_with_cyrillic_or_greek_look_alike_letters_in_it_is_redacted() -> None:
    """A name written with a letter of another script that looks the same (a Cyrillic A or o, a Greek E) reads as
    the name to a model: a word mixing Latin letters with look-alikes is matched as all Latin. A word wholly in
    Cyrillic is Cyrillic (Russian "ne", "not", is never "he"), and a Cyrillic name is matched as written."""
    r = Redactor(redaction_terms("Ada Lovelace", None))
    said = "I'm \u0410da L\u043evelace. LOV\u0395LACE wrote it, \u0430da too."
    assert r.speech(said).text == "I'm [candidate]. [candidate] wrote it, [candidate] too."
    assert r.code("# by \u0410da L\u043evelace\nclass L\u043evelaceSolver: pass\n").text == (
        "# by [candidate]\nclass [candidate]Solver: pass\n"
    )
    russian = (
        "\u042f \u043d\u0435 \u0437\u043d\u0430\u044e, \u041d\u0415 \u043e\u043d."  # I don't know, NOT he.
    )
    assert r.speech(russian).text == russian
    anna, petrova = "\u0410\u043d\u043d\u0430", "\u041f\u0435\u0442\u0440\u043e\u0432\u0430"
    cyrillic = Redactor(redaction_terms(f"{anna} {petrova}", None))
    assert cyrillic.speech(f"{anna} {petrova}, {anna.upper()}.").text == "[candidate], [candidate]."
    assert cyrillic.code(f"# {anna.upper()} {petrova.upper()}\nclass {petrova}: pass\n").text == (
        "# [candidate]\nclass [candidate]: pass\n"
    )


def test_a_name_in_any_unicode_form_or_with_invisible_characters_inside_is_redacted() -> None:
    """Decomposed accents (NFD), compatibility forms (a ligature, mathematical letters) and invisible characters
    (soft hyphen, zero-width joiner and space, word joiner) make the same name; the name on file may itself be
    decomposed. A quote across the replacement maps back to the original characters, marks included."""
    nfd = "Jose\u0301 Nu\u0301n\u0303ez"
    for terms in (redaction_terms("José Núñez", None), redaction_terms(nfd, None)):
        r = Redactor(terms)
        said = (
            f"Soy {nfd}. NU\u0301N\u0303EZ, José, Nu\u00adñez, Nú\u200dñ\u200bez, N\u2060uñez, "
            "𝐍𝐮ñ𝐞𝐳. Piñata stays."
        )
        out = r.speech(said)
        assert out.text == (
            "Soy [candidate]. [candidate], [candidate], [candidate], [candidate], [candidate], [candidate]. "
            "Piñata stays."
        )
        at = out.text.index("[candidate]")
        start, end = out.original_span(at, at + len("[candidate]"))
        assert said[start:end] == nfd  # the trailing combining mark included
    fiona = Redactor(redaction_terms("Fiona Grey", None))
    assert fiona.speech("I'm \ufb01ona, ﬁona grey.").text == "I'm [candidate], [candidate]."
    assert fiona.code("# by \ufb01ona grey\nfinal = 1\n").text == "# by [candidate]\nfinal = 1\n"


def test_contact_handles_and_profile_links_are_redacted_but_decorators_and_annotations_stay() -> None:
    """A handle need not be the name ("find me at @zq_dev on GitHub"); in speech any @mention goes, in code only
    in a comment. Decorators, annotations, javadoc tags and the matrix product are code."""
    r = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
    said = (
        "Find me at @zq_dev on GitHub, github.com/zq-dev, https://uk.linkedin.com/in/zq-d-123/, x.com/zqd, "
        "zq-dev.github.io, or mail zq@proton.me. I'd put @lru_cache(maxsize=None) or @functools.cache on it; "
        "Java needs @Override. dropbox.com/s/abc stays."
    )
    assert r.speech(said).text == (
        "Find me at [handle] on GitHub, [link], [link], [link], [link], or mail [email]. I'd put "
        "@lru_cache(maxsize=None) or @functools.cache on it; Java needs @Override. dropbox.com/s/abc stays."
    )
    code = (
        "import functools\n\n"
        "@functools.lru_cache(maxsize=None)  # ping @zq_dev, github.com/zq-dev\n"
        "@dataclass\nclass Grid:\n    cells = a@b\n\n"
        "/** Solves it.\n * @param nums the input\n * @author @zqdev (twitter)\n */\n"
        "@Override\npublic int size() { return n; }  // @zq_dev\n"
        'tag = "@keep_me_in_code"\n'
    )
    assert r.code(code).text == (
        "import functools\n\n"
        "@functools.lru_cache(maxsize=None)  # ping [handle], [link]\n"
        "@dataclass\nclass Grid:\n    cells = a@b\n\n"
        "/** Solves it.\n * @param nums the input\n * @author [handle] (twitter)\n */\n"
        "@Override\npublic int size() { return n; }  // [handle]\n"
        'tag = "@keep_me_in_code"\n'
    )


@pytest.mark.parametrize(
    "link",
    [
        "leetcode.com/u/zqdev",
        "https://leetcode.com/zqdev/",
        "hackerrank.com/profile/zqdev",
        "codeforces.com/profile/zqdev",
        "www.kaggle.com/zqdev",
        "youtube.com/@zqdev",
        "dev.to/zqdev",
        "zqdev.substack.com",
        "reddit.com/user/zqdev",
        "codechef.com/users/zqdev",
        "zq-dev.github.io",  # a site on its own, no path
    ],
)
def test_a_coding_profile_link_is_redacted(link: str) -> None:
    """Coding-practice and publishing profiles are where a candidate in a coding interview points to their work."""
    r = Redactor(redaction_terms("Ada Lovelace", None))
    assert r.speech(f"See {link} for more.").text == "See [link] for more."
    assert r.code(f"# see {link}\n").text == "# see [link]\n"


def test_quotes_across_the_new_replacements_verify_and_map_back_to_the_original() -> None:
    """The grader quotes what it saw (redacted); evidence verification finds the quote in the same redacted view
    and stores the original text."""
    from grader.evidence import CitableEvent, CitationIndex, check
    from grader.schemas import Evidence

    r = Redactor(redaction_terms("Ada Lovelace", None))
    said = "It's A-D-A, find me at @zq_dev; I'll use a hash map, Jose\u0301 said."
    code = "# @zq_dev\n@lru_cache(maxsize=None)\ndef f(n): return n\n"
    index = CitationIndex(
        types={1: "transcript", 2: "editor_snapshot"},
        citable={
            1: CitableEvent(1, "transcript", (r.speech(said),)),
            2: CitableEvent(2, "editor_snapshot", (r.code(code),)),
        },
    )
    quote = "It's [candidate], find me at [handle]; I'll use a hash map"
    assert check(Evidence(seq=1, quote=quote), index) == Evidence(
        seq=1, quote="It's A-D-A, find me at @zq_dev; I'll use a hash map"
    )
    assert check(Evidence(seq=2, quote="[handle]\n@lru_cache(maxsize=None)"), index) == Evidence(
        seq=2, quote="# @zq_dev\n@lru_cache(maxsize=None)"[2:]
    )
    assert isinstance(check(Evidence(seq=1, quote="It's A-D-A"), index), str)  # the model never saw the name


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("zq dev at gmail dot com", "[email]"),
        ("my email is jane underscore doe at outlook dot co dot uk", "my email is [email]"),
        ("Reach me at jane dot doe at yahoo dot com, thanks.", "Reach me at [email], thanks."),
        ("mail me at j d o e 42 at hotmail dot com", "mail me at [email]"),
        ("it's jane at acme dash corp dot io or jane@gmail dot com", "it's [email] or [email]"),
        ("write to jane (at) acme [dot] io", "write to [email]"),
        ("just jane at gmail, no dots", "just [email], no dots"),
        ("send it to john smith nineteen at gmail.com", "send it to [email]"),
        ("my number is five five five, one two three four", "my number is [phone]"),
        ("call me on four one five, five five five, zero one three four.", "call me on [phone]."),
        ("My cell is 415 555 0134, evenings.", "My cell is [phone], evenings."),
        ("it's plus four four seven nine one one double two three four five six", "it's [phone]"),
        ("four one five five five five oh one three four", "[phone]"),
        ("text me at 555-1234", "text me at [phone]"),
        ("you can get me on five five five, one two three four.", "you can get me on [phone]."),
        ("my email's zq dev at g mail dot com", "my email's [email]"),
        ("find me on linkedin slash in slash jdoe", "find me on [link]"),
        ("it's linkedin dot com slash in slash jane dash doe dash one two three", "it's [link]"),
        ("GitHub dot com slash zq dev has it", "[link] has it"),
        ("my github is zqdev, and", "my github is [handle], and"),
        ("my GitHub handle is zq underscore dev", "my GitHub handle is [handle]"),
        ("my twitter is at zq dev", "my twitter is at [handle]"),
        ("follow me at zq underscore dev on twitter", "follow me at [handle] on twitter"),
        ("I'm zq dev on GitHub", "I'm [handle] on GitHub"),
        ("my username is zq dash dev on leetcode", "my username is [handle] on leetcode"),
        ("my portfolio is zq dev dot dev", "my portfolio is [handle]"),
        ("I go by jdoe42 on leetcode", "I go by [handle] on leetcode"),
        ("and ada underscore l 99 is my mail", "and [email] is my mail"),  # the candidate's own, said alone
    ],
)  # fmt: skip
def test_contact_details_said_in_words_are_redacted(said: str, expected: str) -> None:
    """Speech-to-text writes an address, a phone number or a profile as words ("at", "dot", "underscore",
    "slash", digits one by one): the grading model must not read them any more than the written forms."""
    r = Redactor(redaction_terms("Ada Lovelace", "ada_l99@example.com"))
    out = r.speech(said)
    assert out.text == expected
    # A quote across the replacement maps back to the words that were said.
    at = out.text.index("[")
    end = out.text.index("]", at) + 1
    start, stop = out.original_span(at, end)
    assert said[:start] == out.text[:at] and said[start:stop].strip()


@pytest.mark.parametrize(
    "said",
    [
        "I'd look at index i dot product of the two vectors",
        "at index i, we store it at the map dot get of x, then node dot next dot val at each step",
        "the array has five elements, so O of n is fine, O of n squared is too slow, it's o of one space",
        "let's test with one, two, three, four, five, six, seven, eight, nine",
        "one two three four five six seven eight nine ten, then nine eight seven six five four three two one",
        "n can be up to 10 to the 9, so 1,000,000,000 operations is too many; modulo 10 to the 9 plus 7",
        "pi is 3.14159265, roughly, and I'm using python three dot eleven",
        "the input is 1, 5, 3, 8, 2, 9, 4, 7, 6 and target is nine, nums is two, seven, eleven, fifteen",
        "I'll call the helper at the end, with five or six arguments; call it with 10, 20, 30, 40, 50",
        "values like 100, 200, 300, 400, and the answer for 12345678 is 8",
        "I'll use sys dot stdin dot read, and self dot io for output; list dot append at the end",
        "I'd call node.next, math.ceil, os.path.join and self.name; we go by index here",
        "I'm looking at the dot com era examples",
        "I'll store it at max underscore len, then look at left underscore sum",
        "at most k elements, at least one, at worst n log n; the heap is at position two",
        "I pushed it to GitHub last week; I'm good on time, I'm fine on python",
        "double check the edge case, then triple check; map index j to j plus one",
        "My phone died, sorry. The number of islands is three.",
        "the grid is one one zero zero zero, one one zero zero zero, zero zero one zero zero; seven sevens: seven "
        "seven seven seven seven seven seven",
        "look at user dot email and node dot name, then point at head dot next; x at self dot app",
    ],
)
def test_technical_speech_with_at_dot_slash_and_numbers_stays(said: str) -> None:
    """What "at", "dot", digits and platform names mean in an interview about code is not contact detail."""
    r = Redactor(redaction_terms("Ada Lovelace", "ada_l99@example.com"))
    assert r.speech(said).text == said


def test_contact_details_written_in_words_in_a_code_comment_are_redacted() -> None:
    """An address obfuscated against scrapers, or a profile named in a comment, is contact detail; the same words
    in code are code."""
    r = Redactor(redaction_terms("Ada Lovelace", None))
    code = (
        "# contact: jane [at] acme [dot] io, my github is zqdev\n"
        "// linkedin slash in slash jdoe\n"
        "at = gmail.com_count  # node dot next at each step\n"
    )
    assert r.code(code, "python").text == (
        "# contact: [email], my github is [handle]\n"
        "// linkedin slash in slash jdoe\n"
        "at = gmail.com_count  # node dot next at each step\n"
    )
    assert r.code(code, "javascript").text.splitlines()[1] == "// [link]"


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("python", 'tag = "#1 @keep"  # ping @zq_dev\nmid = lo + (hi - lo) // 2  # @zq\n',
         'tag = "#1 @keep"  # ping [handle]\nmid = lo + (hi - lo) // 2  # [handle]\n'),
        ("python", "s = 'it''s #@keep'\nt = r'\\'#@keep'  # @gone\nu = f\"{a['#']} @keep\"\n",
         "s = 'it''s #@keep'\nt = r'\\'#@keep'  # [handle]\nu = f\"{a['#']} @keep\"\n"),
        ("python", 'def f():\n    """Author: @zq_dev"""\n    x = """#@keep"""\n    return x // 2 @ m\n',
         'def f():\n    """Author: [handle]"""\n    x = """#@keep"""\n    return x // 2 @ m\n'),
        ("javascript", 'const u = "http://x.org/@keep"; // @gone\nconst t = `a // @keep\n#@keep`; /* @gone */\n'
         "class A { #n = '@keep'; } // @gone\n",
         'const u = "http://x.org/@keep"; // [handle]\nconst t = `a // @keep\n#@keep`; /* [handle] */\n'
         "class A { #n = '@keep'; } // [handle]\n"),
        ("java", 'String s = "// @keep"; // @gone\nchar c = \'"\'; // @gone\nString tb = """\n  // @keep\n  """;\n'
         "@Override\n",
         'String s = "// @keep"; // [handle]\nchar c = \'"\'; // [handle]\nString tb = """\n  // @keep\n  """;\n'
         "@Override\n"),
        ("cpp", '#include <string> // @gone\nint x = 1\'000; // @gone\nauto r = R"x(// @keep )x"; // @gone\n'
         'std::string s = "/* @keep"; /* @gone */\n',
         '#include <string> // [handle]\nint x = 1\'000; // [handle]\nauto r = R"x(// @keep )x"; // [handle]\n'
         'std::string s = "/* @keep"; /* [handle] */\n'),
    ],
)  # fmt: skip
def test_handles_are_looked_for_in_each_languages_comments_never_in_its_string_literals(
    language: str, code: str, expected: str
) -> None:
    """A `#` or `//` inside a string is not a comment (a Python `//` is a division, a JavaScript `#` a private
    field); a comment after a string, a character literal or a digit separator still is, and a Python docstring
    is documentation like a comment."""
    r = Redactor(redaction_terms("Ada Lovelace", None))
    assert r.code(code, language).text == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("Hi, my name is Priya Raman, nice to meet you.", "Hi, my name is [candidate], nice to meet you."),
        ("my name is priya and I'm ready", "my name is [candidate] and I'm ready"),
        ("You can call me Sasha. I go by Alex too; my name's Jo",
         "You can call me [candidate]. I go by [candidate] too; my name's [candidate]"),
        ("call me back if it breaks, call me at five; I go by the book", None),
        ("the variable name is count, my name is not important; I'd call merge sort here", None),
    ],
)  # fmt: skip
def test_a_name_the_candidate_introduces_themselves_by_is_redacted_even_if_not_on_file(
    said: str, expected: str | None
) -> None:
    """A session may have no name on file, or the candidate goes by another one ("call me Sasha"): the name they
    give goes too. "call me back" and "I go by the book" are not names."""
    for r in (
        Redactor(redaction_terms(None, None)),
        Redactor(redaction_terms("Ada Lovelace", "ada@example.com")),
    ):
        assert r.speech(said).text == (said if expected is None else expected)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("张伟", "我是张伟\uff0c你好", "我是[candidate]\uff0c你好"),  # two characters: a whole name
        ("张伟", "I'm 张伟.", "I'm [candidate]."),
        ("王小明", "# 作者\uff1a王小明\n", "# 作者\uff1a[candidate]\n"),
        ("김민수", "# author: 김민수입니다\n", "# author: [candidate]입니다\n"),
        ("محمد علي", "# by محمد\n", "# by [candidate]\n"),  # a caseless part in code
        ("Wei Zhang", "我是Wei Zhang", "我是[candidate]"),  # no space between scripts
    ],
)
def test_a_name_in_a_script_without_case_or_spaces_is_redacted_in_speech_and_code(
    name: str, text: str, expected: str
) -> None:
    """Han, kana and Hangul run words together and have no capitals: a word boundary or a capital letter cannot
    be what tells a name there, and a two-character Chinese name is a whole name, not an everyday word."""
    r = Redactor(redaction_terms(name, None))
    assert r.code(text, "python").text == expected
    assert r.speech(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm Sean O\u2019Brien",
        "I'm Sean O\u02bcBrien",
        "# Sean OBrien\n",
        "# O'Brien\n",
        "obrien here",
        "Sean O Brien",
    ],
)
def test_a_name_with_an_apostrophe_is_redacted_with_any_apostrophe_or_none(text: str) -> None:
    """Speech-to-text, keyboards and ASCII comments write O'Brien with a typographic apostrophe, or without one."""
    r = Redactor(redaction_terms("Sean O'Brien", None))
    out = r.code(text, "python").text if text.startswith("#") else r.speech(text).text
    assert "Brien" not in out and "brien" not in out and "[candidate]" in out, out


def _flat(terms: set[str], flags: int) -> re.Pattern[str]:
    """The plain longest-first alternation `alternation` stands for, its word boundaries under the pattern's own
    flags (as they were before they were made case-sensitive: only their cost changed)."""
    ordered = sorted(terms, key=len, reverse=True)
    start = rf"(?:(?<!\w)|(?<=[{UNSPACED}])|(?=[{UNSPACED}]))"
    end = rf"(?:(?!\w)|(?=[{UNSPACED}])|(?<=[{UNSPACED}]))"
    return re.compile(start + "(?:" + "|".join(re.escape(t) for t in ordered) + ")" + end, flags)


_TERM = st.text(alphabet="abAB- .\u4e00\uac00", min_size=1, max_size=5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    terms=st.sets(_TERM, min_size=1, max_size=8),
    text=st.text(alphabet="abAB- .x\u4e00\uac00\u0e01,", max_size=40),
    ignore_case=st.booleans(),
)
def test_the_tree_of_terms_finds_what_the_longest_first_alternation_finds(
    terms: set[str], text: str, ignore_case: bool
) -> None:
    # Terms sharing prefixes, differing in case, ending where another goes on; text with words, spaces,
    # punctuation and a character of a script without spaces, where a word may start and end anywhere.
    flags = re.I if ignore_case else 0
    tree = alternation(terms, flags)
    flat = _flat(terms, flags)
    assert [m.span() for m in tree.finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_a_names_patterns_for_scripts_without_spaces_are_built_only_for_text_that_has_them() -> None:
    # Built for every session's name, they cost 7-18 ms each to compile (the ranges of those scripts): most of what
    # grading a session cost. Text without such a script has the same matches from the plain patterns.
    compiled_alternation.cache_clear()  # patterns shared with other redactors may have met such text already
    r = Redactor(redaction_terms("Zanele Mbeki", "zm@example.com"))
    assert r.speech("Hi, I'm Zanele Mbeki.").text == "Hi, I'm [candidate]."
    # The name's own patterns: the affiliation rules are built once per question and shared by its sessions.
    shared = {id(rule) for rule in affiliation_rules().speech}
    words = [rule.pattern for rule in r._speech if isinstance(rule.pattern, Words) and id(rule) not in shared]
    assert words and all(w._full is None for w in words)
    assert r.speech("我是Zanele\uff0c你好").text == "我是[candidate]\uff0c你好"
    assert r.speech("Zanele是我的名字").text == "[candidate]是我的名字"
    assert r.speech("Zaneleは").text == "[candidate]は" and r.speech("MZanele").text == "MZanele"


class _CountingSearch:
    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.calls = pattern, 0

    def search(self, text: str) -> re.Match[str] | None:
        self.calls += 1
        return self.pattern.search(text)


@pytest.mark.parametrize("comments", [10, 2000])
def test_code_is_checked_for_scripts_without_spaces_once_however_many_comments_it_has(
    monkeypatch: pytest.MonkeyPatch, comments: int
) -> None:
    # The check scans the whole text. Made for each rule and each comment, it made redacting a file of 3,000
    # commented lines take 3 s (quadratic in its size): a candidate could slow grading down at will.
    import grader.redact_apply

    counting = _CountingSearch(grader.redact_apply.HAS_UNSPACED)
    monkeypatch.setattr(grader.redact_apply, "HAS_UNSPACED", counting)
    r = Redactor(redaction_terms("Zanele Mbeki", "zm@example.com"))
    source = "".join(f"x{i} = {i}  # step {i}: add the pair\n" for i in range(comments))
    out = r.code(source + "# by Zanele Mbeki\n# 作者\uff1aZanele\n", "python").text
    assert out.endswith("# by [candidate]\n# 作者\uff1a[candidate]\n")
    assert counting.calls == 1


def _starts_sentence_by_copy(text: str, start: int, end: int) -> bool:
    """What `_starts_sentence` was, copying the text before and after the word (quadratic over a long text)."""
    before = text[:start].rstrip()
    vocative = text[end:].lstrip().startswith(",")
    return (not before or before[-1] in ".!?:;\n\"'") and not vocative


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="Will ,.!?:;\n\t\u3000\u00a0\"'x", max_size=30), data=st.data())
def test_a_word_opens_a_sentence_as_it_did_when_the_text_was_copied(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert _starts_sentence(text, start, end) == _starts_sentence_by_copy(text, start, end)
