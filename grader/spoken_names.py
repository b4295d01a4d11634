"""The name a candidate introduces themself by in speech ("my name is Priya", "call me Sasha", "me llamo Ana",
"我叫张伟"), which may not be the one on file, or there may be none: the cue (`NAME_CUE`) and the words it gives
(`spoken_name`).

Split out of grader/spoken.py, which holds the contact details said in words and the words (`BOUNDARY`, `JOINERS`)
that end a spoken name here too. What decides:
- a name follows "my name is" (up to two words, to a boundary word or punctuation), or "call me", "I go by", "people
  call me", "everyone calls me", "I'd rather be called", "I prefer to be called" when written as a name
  (capitalised, as speech-to-text writes names): "call me back" stays;
- in lower case after a cue that asks to be called something ("call me pri", "everyone calls me sasha", "i'm called
  wei chen"; not "I go by", which as often gives a method: "i go by intuition"), up to two words that end their
  clause, none a word said there that is no name (`grader.intro_words.weak_name`: "call me back", "call me crazy",
  "call me tomorrow", an adjective by its ending or as a state, "call me paranoid", "call me sloppy"), a boundary
  word, an everyday word, a technology, a word of a call ("call me anytime", "call me later" stay) or an indefinite
  pronoun by its form ("call me whatever", "anything"), and none conceded after ("call me thorough, but ...": the
  idiom says what the speaker is). Such a name is not added to the names redacted everywhere in any case, only
  where written as a name (grader/self_named.py `called_in_lower_case`);
- a hesitation may stand between the cue and the name ("call me, uh, Priya": `grader.spoken.HESITATION_GAP`).
"""

from __future__ import annotations

import re

from grader import name_particles
from grader.cjk_names import CJK_NAME_CUE, cjk_name, latin_after_cue
from grader.everyday_words import COMMON_WORDS
from grader.intro_words import weak_name
from grader.spoken import BOUNDARY, HESITATION_GAP, JOINERS
from grader.tech_names import tech_name

# "My name is" in English and Spanish, and as a candidate may say it in French, German or Portuguese ("mi nombre
# es", "mon nom est", "mein Name ist", "meu nome é"; accents folded); "me llamo", "je m'appelle", "ich heiße", "me
# chamo" below, before a capitalised name only.
_STRONG_NAME_CUE = (
    r"my\s+(?:first\s+|full\s+|last\s+|family\s+|given\s+|middle\s+|legal\s+|real\s+|sur)?name\s+is"
    r"|my\s+(?:sur)?name's"
    r"|mi\s+(?:nombre|apellido|primer\s+apellido)(?:\s+completo)?\s+es"
    r"|mon\s+(?:nom|prenom)(?:\s+de\s+famille)?\s+(?:est|c'est)"
    r"|mein\s+(?:vor|nach|familien)?name\s+ist|meu\s+(?:nome|sobrenome)(?:\s+completo)?\s+e"
    # Other languages a candidate may introduce themself in (folded: "il mio nome è", "tên tôi là", "моё имя"):
    # Italian, Dutch, Turkish, Hindi and Urdu, Malay and Indonesian, Swahili, Vietnamese, Polish, Japanese,
    # Russian, Greek, Arabic, Devanagari (a script without capitals: its name is taken as the strong cues take it).
    r"|il\s+mio\s+(?:nome|cognome)\s+e|mijn\s+(?:voor|achter)?naam\s+is|benim\s+(?:ad[i\u0131]m|ismim)"
    r"|mera\s+naam(?:\s+hai)?|nama\s+saya(?:\s+adalah)?|jina\s+langu\s+ni|ten\s+(?:cua\s+)?toi\s+la"
    r"|mam\s+na\s+imie|watashi\s+no\s+namae\s+wa|мо[её]\s+имя"
    r"|το\s+ονομα\s+μου\s+ειναι|με\s+λενε|اسمي|म\u0947?रा\s+नाम"
)
NAME_CUE = re.compile(
    rf"(?<![\w-])(?i:(?P<strong>{_STRONG_NAME_CUE})"
    r"|(?:you\s+can\s+|people\s+|everyone\s+|just\s+)?call\s+me|calls\s+me|i\s+go\s+by|llamame|puedes\s+llamarme"
    r"|(?:i'm|i\s+am)\s+called|(?:know|knows|knew)\s+me\s+as|the\s+name's"
    # A name asked for as "call me" asks: "I'd rather be called Sam", "I prefer to be called Sam". "I prefer Sam", "Sam
    # is fine" and "just Sam" are not cues ("I prefer Ruby", "Python is fine"): the interviewer's kept `call_them`
    # carries those (grader/asked_name.py).
    r"|(?:i'd|i\s+would)\s+(?:rather|prefer\s+to|like\s+to)\s+be\s+called|i\s+prefer\s+(?:to\s+be|being)\s+called"
    # As a name is written (a capital) only: "me llamó la atención" folds to "me llamo la atencion".
    r"|me\s+llamo|me\s+chamo|je\s+m'appelle|ich\s+heisse|appelle[sz]?[\s-]moi|nenn\s+mich|moi,?\s+c'est"
    r"|mi\s+chiamo|ik\s+heet|nazywam\s+sie|wo\s+jiao)"
    rf"(?:{HESITATION_GAP}|\s+)"  # "call me, uh, Priya"
    rf"|{CJK_NAME_CUE}"  # "我叫张伟", "私の名前は田中です", "제 이름은 김민준입니다" (grader/cjk_names.py)
)
# A name's letters; in the scripts of India a vowel sign that is a spacing mark (U+093E in "राहुल"), not a word
# character to the regex engine, is part of the word (it had cut the name after its first letter).
# An apostrophe or hyphen only between letters ("O'Brien", "Jean-Luc"): ending the word, it took a string's
# closing quotes (a docstring "my name is Budi Santoso" in three single quotes lost its end).
_NAME_LETTERS = r"(?:[\w\u0900-\u0963\u0966-\u0dff]|['-](?=[^\W\d_]))*"  # not the danda, "।"
CAPITALISED = re.compile(rf"[^\W\d_a-z]{_NAME_LETTERS}(?:\s+[^\W\d_a-z]{_NAME_LETTERS}){{0,2}}")
NAME_WORD = re.compile(rf"\s*([^\W\d_]{_NAME_LETTERS})")
# A word in Latin letters, after a cue in a script without spaces: "Minji" of "Minji입니다", not the copula with it.
_LATIN_LETTER = r"[A-Za-z\u00c0-\u024f]"
LATIN_NAME_WORD = re.compile(rf"[ \t\u3000]*({_LATIN_LETTER}+(?:['-]{_LATIN_LETTER}+)*)")


# The frame of a self-introduction that gives no name of its own ("I'm", "soy", "je suis", "ich bin", "eu sou", "sou
# o"; "moi c'est" is a cue): with `NAME_CUE`, what `opens_frame` reads.
_COPULA_FRAME = re.compile(
    r"[ \t]*(?i:i'm|i\s+am|soy|yo\s+soy|je\s+suis|ich\s+bin|eu\s+sou|sou\s+[ao]|io\s+sono|ik\s+ben|jestem|c'est)\s"
)
# Hindi's copula after the name ("mera naam Priya hai"): it ends the name there, and only there ("my name is Hai").
_HINDI_CUE = re.compile(r"(?i:mera\s+naam)")
_SPACES = re.compile(r"[ \t]*")
_HINDI_COPULA = frozenset({"hai", "hain", "hoon", "hun", "hu", "he"})


def opens_frame(text: str, at: int) -> bool:
    """Whether a self-introduction's frame opens at `at` (spaces first): a cue of `NAME_CUE` or a copula ("Je
    m'appelle", "Ich heiße", "Soy", "Moi c'est"). Right after a cue ("my name is" / "Je m'appelle Amélie", two lines
    read together) it is a second introduction, not a name: the first cue gives none, and the frame's words ("Je",
    "Ich", "Soy") are never taken as names and redacted everywhere."""
    at = _SPACES.match(text, at).end()  # type: ignore[union-attr]  # `[ \t]*` matches everywhere
    return NAME_CUE.match(text, at) is not None or _COPULA_FRAME.match(text, at) is not None


def spoken_name(text: str, start: int, end: int, lower: bool = True) -> list[tuple[int, int]]:
    """The name a cue introduces (`text[start:end]` the cue): see the module's rules. `lower`: a name in lower case
    after a cue that asks to be called it too (not for grader/self_named.py, which redacts what it finds everywhere:
    a word mistaken for a name there would go from every line)."""
    if opens_frame(text, end):
        return []  # "my name is" / "Je m'appelle Amélie": the second cue gives the name
    word = NAME_WORD
    if (cjk := cjk_name(text, start, end)) is not None:
        if cjk or not latin_after_cue(text, start, end):
            return cjk
        word = LATIN_NAME_WORD  # "我叫Zhang Wei": read as "my name is" reads it, in Latin letters
    elif not CUE_STRONG.match(text, start):
        m = CAPITALISED.match(text, end)
        if m is None:
            return _called_in_lower_case(text, start, end) if lower else []
        if m.group().split()[0].lower() in BOUNDARY:
            return []
        # "call me Sanne de Vries": a particle and the words after it (grader/name_particles.py).
        return [(end, name_particles.extend(text, m.end(), False, BOUNDARY, 3 - len(m.group().split())))]
    stops = BOUNDARY | _HINDI_COPULA if _HINDI_CUE.match(text, start) else BOUNDARY
    stop = end
    words, last = 0, ""
    while words < 2:
        m = word.match(text, stop)
        spelled = m is not None and len(m.group(1)) == 1 and len(last) == 1  # "j o h n": one word spelled out
        if m is None or (m.group(1).lower() in BOUNDARY and not spelled) or m.group(1).lower() in JOINERS:
            break
        if words and m.group(1) in ("y", "e") and not spelled:
            break  # "mi nombre es ana y trabajo en ...": a conjunction, a name's only before a capital
        if words and m.group(1).lower() in _HINDI_COPULA and stops is not BOUNDARY:
            break  # "mera naam Priya hai": the copula, not the name's second word
        words += 0 if spelled else 1
        stop, last = m.end(), m.group(1)
    if len(last) > 1:  # "my name is Sanne de Vries", "... Nguyen Van An" (grader/name_particles.py)
        stop = name_particles.extend(text, stop, text[end:stop].islower(), stops)
    if word is LATIN_NAME_WORD:  # the cue's script has no space after it: one written there stays
        end += len(text[end:stop]) - len(text[end:stop].lstrip())
    return [(end, stop)] if stop > end else []


CUE_STRONG = re.compile(rf"(?i:{_STRONG_NAME_CUE})")
# The cues that ask to be called something, read in lower case too ("call me pri").
_CALLED = re.compile(
    r"(?i:(?:you\s+can\s+|people\s+|everyone\s+|just\s+)?call\s+me|calls\s+me|(?:i'm|i\s+am)\s+called"
    r"|(?:know|knows|knew)\s+me\s+as|the\s+name's|(?:i'd|i\s+would)\s+(?:rather|prefer\s+to|like\s+to)\s+be\s+called"
    rf"|i\s+prefer\s+(?:to\s+be|being)\s+called)(?:{HESITATION_GAP}|\s+)\Z"
)
_LOWER_WORDS = re.compile(r"([a-z]{2,}(?:['-][a-z]+)?)(?:[ \t]+([a-z]{2,}(?:['-][a-z]+)?))?")
# What ends the name's clause after it: punctuation, the end, "and", "please", "for short", "by the way".
_CLAUSE_ENDS = re.compile(
    r"[ \t]*(?:$|[\n,.!?;:)\u2013\u2014\"]|[ \t]-[ \t]"
    r"|(?:and|please|for[ \t]+short|by[ \t]+the[ \t]+way|btw)(?![\w'-]))"
)
# What "call me" says of a call, not a name: "call me anytime", "call me later".
_CALL_TALK = frozenset(
    """
    anytime later now asap tonight sometime again whenever soon first instead directly maybe back
    """.split()  # noqa: SIM905  # a word list reads better as text
)


# "call me paranoid, but ...": a concession after the word, the idiom that calls the speaker what they are.
_CONCEDED = re.compile(r"[ \t]*,?[ \t]*(?:but|though|yet)(?![\w'-])")
# An indefinite pronoun by its form ("whatever", "anything", "whoever", "someone"): what one may be called, no name.
_INDEFINITE = re.compile(
    r"(?:what|which|who|how)(?:so)?ever|(?:any|some|every|no)(?:thing|one|body|where)|whatnot"
)


def _called_in_lower_case(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The name in lower case after a cue that asks to be called it ("call me pri", "everyone calls me wei chen"):
    one or two words ending their clause, none a word said there that is no name, and no "but" conceding after
    them ("call me paranoid, but ...")."""
    if _CALLED.search(text, start, end) is None:
        return []
    m = _LOWER_WORDS.match(text, end)
    if m is None:
        return []
    for stop, words in ((m.end(), [w for w in m.groups() if w]), (m.end(1), [m.group(1)])):
        if _CONCEDED.match(text, stop):
            return []
        if _CLAUSE_ENDS.match(text, stop) and all(_may_be_called(w) for w in words):
            return [(end, stop)]
    return []


def _may_be_called(word: str) -> bool:
    return (
        _INDEFINITE.fullmatch(word) is None
        and weak_name([word])
        and word not in BOUNDARY
        and word not in JOINERS
        and word not in COMMON_WORDS
        and word not in _CALL_TALK
        and not tech_name(word)
    )
