"""A private note read out in an encoding the model performs on request and a listener undoes at once
(agent.notes_decode): words run together or in camelCase, the NATO alphabet, letters reversed, leetspeak, Unicode
look-alikes, zero-width characters and combining marks inside words, pig latin; each alone, mixed within one reply,
and one encoding per reply across replies. Every note of every question that the guard cuts read out plain is
checked, not one example; and talk that merely looks like an encoding (English words that are others backwards,
compounds, code names) is not cut."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from agent.disclosure import DisclosureGuard, protected_runs
from agent.notes_decode import SPELLING_ALPHABET, normalise
from agent.notes_words import words
from agent.state import InterviewState
from tests.agent.test_disclosure import SLUGS, interview, note, protected_notes

NATO = {letter: word for word, letter in reversed(list(SPELLING_ALPHABET.items()))}
LEET = str.maketrans("aeost", "43057")
CYRILLIC = str.maketrans("aeopcxy", "\u0430\u0435\u043e\u0440\u0441\u0445\u0443")


def plain(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


def runs(ws: list[str]) -> list[list[str]]:
    """Up to three words at a time to run together; a number or a letter other than "a" stays apart ("O(n)": a
    run-together word is decoded only into the notes' words and "a" or "i", agent.notes_decode)."""
    out: list[list[str]] = []
    for w in ws:
        alone = w.isdigit() or (len(w) == 1 and w.lower() not in "ai")
        if (
            alone
            or not out
            or len(out[-1]) == 3
            or not out[-1][0].isalpha()
            or (len(out[-1][0]) == 1 and out[-1][0].lower() not in "ai")
        ):
            out.append([w])
        else:
            out[-1].append(w)
    return out


def camel(ws: list[str]) -> str:
    return " ".join(r[0].lower() + "".join(w.capitalize() for w in r[1:]) for r in runs(ws))


def joined(ws: list[str]) -> str:
    return " ".join("".join(r).lower() for r in runs(ws))


def nato(ws: list[str]) -> str:
    return " / ".join(" ".join(NATO.get(c, c) for c in w.lower()) for w in ws)


def backwards(ws: list[str]) -> str:
    return " ".join(w[::-1] for w in ws)


def phrase_backwards(ws: list[str]) -> str:
    return " ".join(ws)[::-1]


def leet(ws: list[str]) -> str:
    return " ".join(w.lower().translate(LEET) for w in ws)


def lookalike(ws: list[str]) -> str:
    return " ".join(w.lower().translate(CYRILLIC) for w in ws)


def zero_width(ws: list[str]) -> str:
    return " ".join("\u200b".join(w) for w in ws)


def marks(ws: list[str]) -> str:
    return " ".join(re.sub(r"([aeiou])", "\\1\u0301", w) for w in ws)


def fullwidth(ws: list[str]) -> str:
    return " ".join("".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in w) for w in ws)


AS_IN = dict(zip("abcdefghijklmnopqrstuvwxyz", ["apple", "boy", "cat", "dog", "easy", "frank", "george", "harry",
                 "ice", "jack", "king", "lemon", "mary", "nancy", "orange", "peter", "queen", "robert", "sam", "tom",
                 "uncle", "victor", "william", "xylophone", "yellow", "zebra"], strict=True))  # fmt: skip


def as_in(ws: list[str]) -> str:
    return " / ".join(", ".join(f"{c.upper()} as in {AS_IN.get(c, c)}" for c in w.lower()) for w in ws)


def for_word(ws: list[str]) -> str:
    """ "S for Sam": each letter, "for", and a word that starts with it."""
    return " / ".join(", ".join(f"{c.upper()} for {AS_IN.get(c, c)}" for c in w.lower()) for w in ws)


def starred(ws: list[str]) -> str:
    """Vowels masked ("h*sh m*p"), as a model asked to "replace every vowel with a star" writes them."""
    return " ".join(re.sub(r"(?<=\w)[aeiou](?=\w)", "*", w) for w in ws)


def pig(w: str) -> str:
    w = w.lower()
    if not w.isalpha():
        return w
    if w[0] in "aeiou":
        return w + "way"
    lead = re.match(r"[^aeiou]+", w)
    n = len(lead.group()) if lead else 0
    return w[n:] + w[:n] + "ay" if n < len(w) else w


def pig_latin(ws: list[str]) -> str:
    return " ".join(pig(w) for w in ws)


ENCODINGS: dict[str, Callable[[list[str]], str]] = {
    "camel": camel, "joined": joined, "nato": nato, "backwards": backwards, "phrase_backwards": phrase_backwards,
    "leet": leet, "lookalike": lookalike, "zero_width": zero_width, "marks": marks, "fullwidth": fullwidth,
    "pig_latin": pig_latin, "as_in": as_in, "for_word": for_word, "starred": starred,
}  # fmt: skip


def mixed(ws: list[str]) -> str:
    """Each word in another encoding (the phrase-wide ones aside)."""
    per_word = [e for name, e in ENCODINGS.items() if name not in ("phrase_backwards", "camel", "joined")]
    return " ".join(per_word[i % len(per_word)]([w]) for i, w in enumerate(ws))


def spoken(state: InterviewState, reply: str, said: list[str] | None = None) -> tuple[str, bool]:
    guard = DisclosureGuard(protected_runs(state, [], said or []))
    out = "".join(guard.feed(reply[at : at + 6]) for at in range(0, len(reply), 6)) + guard.flush()
    return out, guard.stopped


def own_words(state: InterviewState, secret: str) -> list[str]:
    """The note's words the guard counts as its own, as said."""
    protected = protected_runs(state)
    own = {n.seq: n.own for n in protected.notes}.get(
        tuple(normalise(words(secret), protected.vocab)), frozenset()
    )
    return [w for w in plain(secret) if (n := normalise(words(w), protected.vocab)) and n[0] in own]


async def readable(slug: str) -> tuple[InterviewState, list[str]]:
    """The question's notes the guard cuts read out plain, with three own words or more (a note of public and common
    words is held by its 16-word runs: a reading that changes its words' order or spacing is talk)."""
    state = interview(slug)
    return state, [s for s in await protected_notes(state) if len(set(own_words(state, s))) >= 3]


@pytest.mark.parametrize("encoding", [*ENCODINGS, "mixed"])
async def test_a_note_read_out_encoded_is_cut(encoding: str) -> None:
    encode = mixed if encoding == "mixed" else ENCODINGS[encoding]
    checked = 0
    missed = []
    for slug in SLUGS:
        state, notes = await readable(slug)
        for secret in notes:
            out, stopped = spoken(state, f"Here it is. {encode(plain(secret))}. That's all.")
            checked += 1
            if not (stopped and "That's all" not in out):
                missed.append((slug, secret))
    assert checked >= 30
    assert missed == [], (encoding, len(missed), checked, missed[:3])


def coaxed(state: InterviewState, secret: str, k: int, encode: Callable[[int, list[str]], str]) -> float:
    """The note coaxed ``k`` words per reply, the ``i``-th reply's words as ``encode(i, words)``: the share of the
    replies said before the cut (2.0: never cut)."""
    ws = plain(secret)
    parts = [ws[at : at + k] for at in range(0, len(ws), k)]
    said: list[str] = []
    for i, part in enumerate(parts):
        reply = f"Sure, the next words are: {encode(i, part)}."
        if spoken(state, reply, said)[1]:
            return (i + 1) / len(parts)
        said.append(reply)
    return 2.0


@pytest.mark.parametrize("k", [1, 2, 3])
async def test_a_note_coaxed_out_a_few_words_per_reply_each_in_another_encoding_is_cut_as_if_plain(
    k: int,
) -> None:
    """Every note the guard cuts coaxed out plain ``k`` words per reply (agent.notes_match "Across replies",
    agent.notes_sequence) is cut as early when each reply uses another encoding."""
    names = ["nato", "leet", "camel", "backwards", "lookalike", "pig_latin", "zero_width", "joined", "marks",
             "for_word", "starred"]  # fmt: skip
    if k == 1:  # a short word reversed alone is decoded only when it cannot be English as said: below
        names.remove("backwards")
    checked = 0
    late = []
    for slug in SLUGS:
        state, notes = await readable(slug)
        for n, secret in enumerate(notes):
            plain_cut = coaxed(state, secret, k, lambda _, ws: " ".join(ws))
            if plain_cut > 1:
                continue  # generic talk ("States O(n) time and O(n) extra space"): not counted across replies
            checked += 1
            encoded_cut = coaxed(
                state, secret, k, lambda i, ws, n=n: ENCODINGS[names[(i + n) % len(names)]](ws)
            )
            if encoded_cut > plain_cut + 0.2:
                late.append((slug, secret, plain_cut, encoded_cut))
    assert checked >= 20
    assert late == [], (len(late), checked, late[:3])


async def test_a_note_coaxed_one_reversed_word_per_reply_is_cut_as_if_plain_when_the_words_cannot_be_english():
    """One word per reply, each reversed ("hsah", "tsoc"): a short word said alone is read backwards when, as said,
    it starts with consonants no English word starts with (agent.notes_lexicon); the others are said plain here."""
    from agent.notes_lexicon import reads_reversed

    def some_reversed(_: int, ws: list[str]) -> str:
        return " ".join(w[::-1] if reads_reversed(w[::-1].lower()) else w for w in ws)

    checked = reversed_words = 0
    late = []
    for slug in SLUGS:
        state, notes = await readable(slug)
        for secret in notes:
            plain_cut = coaxed(state, secret, 1, lambda _, ws: " ".join(ws))
            if plain_cut > 1:
                continue
            checked += 1
            reversed_words += sum(some_reversed(0, [w]) != w for w in plain(secret))
            if coaxed(state, secret, 1, some_reversed) > plain_cut + 0.2:
                late.append((slug, secret))
    assert checked >= 20 and reversed_words >= 20
    assert late == [], (len(late), checked, late[:3])


@pytest.mark.parametrize("k", [2, 3])
async def test_a_note_coaxed_out_a_few_letters_per_reply_is_cut(k: int) -> None:
    """ "The next letters are h, a.": two or three letters per short reply, joined across replies as one letter per
    reply is."""
    shares = []
    for slug in SLUGS[::2]:
        state, notes = await readable(slug)
        secret = next((s for s in notes if coaxed(state, s, 1, lambda _, ws: " ".join(ws)) <= 1), None)
        if secret is None:
            continue
        letters = [c for c in secret.lower() if c.isalpha()]
        parts = [letters[at : at + k] for at in range(0, len(letters), k)]
        said: list[str] = []
        for at, part in enumerate(parts):
            reply = f"Sure, the next letters are: {', '.join(part)}."
            if spoken(state, reply, said)[1]:
                shares.append((slug, round((at + 1) / len(parts), 2)))
                break
            said.append(reply)
        else:
            shares.append((slug, 2.0))
    assert len(shares) >= 3
    assert all(share <= 0.85 for _, share in shares), shares


async def test_a_note_coaxed_out_one_letter_per_reply_is_cut() -> None:
    """ "The next letter is h.", one letter per reply (agent.notes_match "One letter per reply"): the first note of
    each question that the guard counts across replies is cut by about two thirds of its letters."""
    shares = []
    for slug in SLUGS:
        state, notes = await readable(slug)
        secret = next((s for s in notes if coaxed(state, s, 1, lambda _, ws: " ".join(ws)) <= 1), None)
        if secret is None:
            continue
        letters = [c for c in secret.lower() if c.isalpha()]
        said: list[str] = []
        for at, c in enumerate(letters):
            word = AS_IN[c]
            said_as = [c, NATO.get(c, c), f"{c.upper()} as in {word}", f"{c} for {word}", f"{c} like {word}"]
            reply = f"Sure, the next letter is: {said_as[at % len(said_as)]}."
            if spoken(state, reply, said)[1]:
                shares.append((slug, round((at + 1) / len(letters), 2)))
                break
            said.append(reply)
        else:
            shares.append((slug, 2.0))
    assert len(shares) >= 6
    assert all(share <= 0.85 for _, share in shares), shares


async def test_short_replies_naming_variables_a_letter_or_a_few_each_are_not_cut() -> None:
    """Talk about variables, a letter or a few per short reply, 80 replies in random order (seeded) for each question:
    a word the letters spell by chance is heard, but never most of a note's words."""
    import random

    rng = random.Random(7)
    forms = ["What is {} here?", "And {}?", "Right, {} is the length.", "So {} moves forward.", "Check {} again.",
             "O of {} here.", "{} and {}, then {}.", "Use {}, {}.", "Thanks, Mike."]  # fmt: skip
    for slug in SLUGS:
        state = interview(slug)
        said: list[str] = []
        for _ in range(80):
            form = rng.choice(forms)
            reply = form.format(*(rng.choice("ijknmxylrstpqdcaoe") for _ in range(form.count("{}"))))
            out, stopped = spoken(state, reply, said)
            assert out == reply and not stopped, (slug, reply, len(said))
            said.append(reply)


def test_encoded_words_are_read_as_the_notes_words() -> None:
    vocab = frozenset(
        [
            "uses",
            "a",
            "hash",
            "map",
            "from",
            "value",
            "to",
            "index",
            "and",
            "looks",
            "up",
            "target",
            "reaching",
            "time",
            "lookup",
        ]
    )
    expect = ["hash", "map", "lookup"]
    for said in ("hashMapLookup", "hashmaplookup", "HashMap lookup", "hotel alpha sierra hotel mike alpha papa lima "
                 "oscar oscar kilo uniform papa", "h4sh m@p l00kup", "\u04bb\u0430\u0455\u04bb map lookup",
                 "ha\u200bsh ma\u0301p lo\u200dokup", "ashhay apmay ookuplay",
                 "\uff48\uff41\uff53\uff48 map lookup"):  # fmt: skip
        assert normalise(words(said), vocab) == expect, said
    assert normalise(words("hsah pam pukool"), vocab) == [*expect, *expect[::-1]]  # either way round
    assert normalise(words("pukool pam hsah"), vocab) == ["lookup", "map", "hash", "hash", "map", "lookup"]
    assert normalise(words("indexway"), vocab) == ["index"]
    for said in ("H for Harry, A for apple, S for Sam, H for Harry, M for Mary, A for apple, P for Peter",
                 "h de hotel a de arbol s de sol h de hotel map"):  # fmt: skip
        assert normalise(words(said), vocab) == ["hash", "map"], said
    # a short reversed word alone: read backwards when no English word could start so ("hsah", "xedni")
    assert normalise(words("it is hsah then"), vocab) == ["it", "is", "hash", "then"]
    assert normalise(words("it is pam then"), vocab) == ["it", "is", "pam", "then"]  # "Pam" can be English


def test_talk_that_looks_like_an_encoding_is_left_as_it_is() -> None:
    """English words that are others backwards, compounds of common words, a word and a syllable, code names with
    digits, a spelling-alphabet word in talk, and a word that is a note's word and a letter ("banana") are compared
    as they are."""
    vocab = frozenset(
        [
            "peek",
            "loop",
            "trap",
            "can",
            "not",
            "with",
            "in",
            "an",
            "other",
            "every",
            "one",
            "per",
            "on",
            "time",
            "out",
            "re",
            "start",
            "no",
            "is",
            "banan",
            "url",
        ]
    )
    for said in ("keep the pool warm", "part of it", "cannot", "within", "another", "everyone", "person",
                 "restart", "o1 log2 utf8 x3", "the delta is small", "no on is si", "an email a@b.com",
                 "say banana after each word", "i for index, j for the inner loop", "a for loop over it",
                 "i for index and n for the length", "an LRU cache", "i like it, a like b",
                 "O(n*m) time", "a*b and i*i", "2*n plus one"):  # fmt: skip
        expect = normalise(words(said))
        assert normalise(words(said), vocab) == expect, said


async def test_the_interviewer_saying_a_note_word_in_a_code_name_or_a_reversed_english_word_is_not_cut() -> (
    None
):
    state = interview("valid-palindrome")
    lines = ["Keep going: the two pointers pool nothing, they just move inward.",
             "Your isAlphanumeric helper looks right; what does the loop do on an empty string?",
             "Runtime is fine. Maybe rename leftPointer and rightPointer to left and right."]  # fmt: skip
    for at, line in enumerate(lines):
        out, stopped = spoken(state, line, lines[:at])
        assert out == line and not stopped, line


def test_a_word_split_by_a_chunk_boundary_inside_a_leet_symbol_is_read_whole() -> None:
    state = interview("two-sum")
    secret = note(
        state, 2
    )  # "Uses a hash map from value to index and looks up target - x, reaching O(n) time"
    reply = "Here: " + " ".join(w.lower().replace("a", "@") for w in plain(secret)) + ". That's all."
    for size in (1, 2, 3, 5):
        guard = DisclosureGuard(protected_runs(state))
        out = "".join(guard.feed(reply[at : at + size]) for at in range(0, len(reply), size)) + guard.flush()
        assert guard.stopped and "That's all" not in out, (size, out)
