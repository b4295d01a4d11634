"""A title right before the candidate's redacted name, recognised by where it stands rather than by a list of titles.

Any word written with a capital and standing right before `[candidate]` (spaces, an invisible character, a hyphen or
nothing between, a rank's "of", or the period of an abbreviated title, `ABBREVIATED`: "Mrs. [candidate]"; up to
`MAX_TITLES` in a row) is read as a title of the name and becomes `[title]`, unless it is one of the words that
stand there in a sentence's own grammar (`NOT_TITLES`: "Hi", "Thanks", "Dear", "by", "is", "Adiós", read with
accents folded). A list of titles misses the one a candidate or an interviewer happens to use ("Lady", "Lord",
"Dame", "Master", "Countess", "Sheikh", "Mx", "Fräulein", "Signora"), each telling the model a gender, a rank, a
faith or an origin beside a hidden name; a capitalised word right before a name is a title far more often than
anything else, and a plain word read as one ("[title] [candidate]" for "Happy Grace") costs the model one word of a
sentence. A title is a noun; a word that stands there as another part of speech carries the sentence's sense and
stays: the closed classes in `NOT_TITLES` (greetings, interjections, function words, sentence adverbs such as
"Just", "Only", "Still", "Again", a verdict such as "Correct Ada") and the adverbs and participles known by their
ending (`_NOT_A_NOUN`: "Honestly", "Exactamente", "Vraiment", "Natürlich", "Amazing"), which no title has. Only
before the candidate's own name: "Mrs Smith" in test data and "Lord of the rings" stay. Applied once a text's rules
are applied (grader/redact.py), to speech, code (literals and comments alike) and a program's output.
"""

from __future__ import annotations

import re

from grader.matching_form import match_form
from grader.name_rules import NAME
from grader.redacted import Redacted

TITLE = "[title]"
# Invisible format characters (zero-width space and joiners, word joiner, soft hyphen, bidi controls): the
# matching form leaves them out, so one between a title and the name ("Lady\u200bLovelace") hides no title.
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
# Combining marks of the cased scripts (Latin, Greek, Cyrillic): a title typed decomposed ("Sen\u0303ora") is one word.
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# A word, its first letter a capital, not inside another word nor a placeholder, its letters with marks or invisible
# characters between them ("Mi\u00adss"), then an abbreviation's period, a hyphen or an underscore ("Ms.Lovelace",
# "Master-Lovelace", `MasterLovelace`) or none, spaces or invisible characters, and a rank's "of" ("Countess of
# Lovelace"): read backwards from the name, to the end of the text read.
_TITLE_WORD = re.compile(
    rf"(?<![\w\[\].{_MARKS}-])([^\W\d_](?:[{_INVISIBLE}]*[^\W\d_]|[{_MARKS}])*)(?P<sep>[{_INVISIBLE}]*[.\-_])?"
    rf"(?:[^\S\n]|[{_INVISIBLE}])*(?:of[^\S\n]+)?\Z"
)
_REACH = 60  # characters read before the name, or before a title, for the next title: longer than any title
MAX_TITLES = (
    3  # titles read before one name ("Her Royal Highness"): a heading in title case keeps its first words
)


def _folded(word: str) -> str:
    """`word` as the lists below hold it: in the matching form (accents and invisible characters left out, "ß" as
    "ss"), in lower case: "Adiós" is "adios", "Tschüß" "tschuss"."""
    return "".join(match_form(c) for c in word).lower()


# Words that stand right before a name in a sentence's own grammar (greetings, thanks, answers, function words, verbs
# of address, a verdict on an answer: "Correct Ada" says what the interviewer thought of it), folded
# (`_folded`); English, Spanish, French, German and Italian words the interviewer or a program may write. Not
# "Bienvenida", "Querida" nor "Listo": a gendered word is neutral as a title.
NOT_TITLES = frozenset(
    _folded(word)
    for word in """
    hi hello hey hiya howdy dear thanks thank cheers bye goodbye welcome congrats congratulations morning afternoon
    evening night yes no yeah yep nope okay ok sure right great good nice cool perfect excellent awesome fine well so
    and but or nor then now oh ah alright sorry please hmm um uh wow bravo go done i we you they it is am are was were
    the a an this that
    be been by for from to with of at in on about as than like meet call called named ask asked tell told
    correct incorrect wrong exactly precisely indeed true false absolutely definitely also actually wait look listen
    hola gracias buenos buenas adiós hasta y o con para por de es soy sí vale bueno bien claro pues entonces correcto
    incorrecto exacto perfecto genial bonjour merci salut bonsoir et ou avec pour oui non alors exactement parfait
    hallo danke tschüss und oder mit für ja nein genau gut richtig falsch ciao grazie buongiorno e
    just only still again even too yet anyway anyways besides otherwise instead meanwhile next last first here there
    plus once maybe perhaps never always sometimes not today tonight tomorrow yesterday soon later
    what why how when where who which whoa oops yay yup nah hm mhm huh aha ooh gotcha agreed understood noted bingo
    ta sweet neat brilliant fantastic superb wonderful terrific splendid solid spot
    come try keep take hold hang remember see relax continue proceed start begin stop thank
    me us him them he she everyone everybody someone anyone
    can could would should shall will may might must do does did have has had let lets any each every some all both
    another several most many few one two three if because until unless whether while since before after through
    monday tuesday wednesday thursday friday saturday sunday
    solo sólo también tampoco todavía aún ya ahora oye mira vamos venga anda dale muy más menos luego después antes
    primero excelente estupendo ojo cierto verdad perdón disculpa qué cómo cuándo dónde
    aussi encore juste seulement toujours déjà maintenant ensuite puis enfin donc bon allez voilà voici super
    formidable génial pardon quoi
    auch nur noch nochmal schon jetzt dann also prima toll klasse spitze bitte na schön sehr ganz ach servus moin
    willkommen guten tag morgen abend nacht
    allora anche ancora già adesso ora poi bene ottimo perfetto esatto dai ecco salve arrivederci prego scusa
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# Endings of the adverbs and participles of the interviewer's languages ("Honestly", "Amazing", "Exactamente",
# "Vraiment", "Natürlich"), read on the folded word with a stem of three letters or more: no title ends so ("King",
# "Holy" are too short to be read).
_NOT_A_NOUN = re.compile(r"\w{3,}(?:ly|ing|mente|ment|lich)")
# A word before a period is a title only as an abbreviation of one: a word that ends a sentence stands there too
# ("we use Python. [candidate], ..."), and an abbreviation is the one form of a title a short list can hold.
ABBREVIATED = frozenset(
    _folded(word)
    for word in """
    mr mrs ms mx dr sr sra srta jr fr st sta lt sgt cpl col gen maj capt cmdr adm brig rev hon prof mme mlle dña
    pres gov sen rep amb supt insp det
    """.split()  # noqa: SIM905  # a word list reads better as text
)


def titles_before_name(done: Redacted) -> Redacted:
    """`done` with the titles right before each `[candidate]` it placed replaced by `[title]`, mapped back as well."""
    if NAME not in done.text:
        return done
    extra: list[tuple[int, int]] = []
    for start, end, _, _ in done.segments:
        if done.text[start:end] == NAME:
            extra[len(extra) :] = reversed(_titles_before(done, start))
    return _replaced(done, sorted(set(extra))) if extra else done


def _titles_before(done: Redacted, at: int) -> list[tuple[int, int]]:
    """The spans of the titles right before `at`, nearest first, none inside or across a replacement."""
    found: list[tuple[int, int]] = []
    while len(found) < MAX_TITLES:
        m = _TITLE_WORD.search(done.text, max(0, at - _REACH), at)
        if m is None or done.segment_at(m.start()) != done.segment_at(at) or done.inside(m.start()):
            break
        word = m.group(1)
        folded = _folded(word)
        if not word[0].isupper() or folded in NOT_TITLES or _NOT_A_NOUN.fullmatch(folded):
            break
        if (m.group("sep") or "").endswith(".") and folded not in ABBREVIATED:
            break
        found.append(m.span(1))
        at = m.start()
    return found


def _replaced(done: Redacted, spans: list[tuple[int, int]]) -> Redacted:
    """`done` with `spans` of its text (outside its replacements, in order) replaced by `TITLE`."""
    out: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    pos = 0  # in done.text
    shift = 0  # new text's length minus done.text's, so far
    old = iter(done.segments)
    pending = next(old, None)
    for start, end in spans:
        while pending is not None and pending[0] < start:
            segments.append((pending[0] + shift, pending[1] + shift, pending[2], pending[3]))
            pending = next(old, None)
        out.append(done.text[pos:start])
        o_start, o_end = done.original_span(start, end)
        segments.append((start + shift, start + shift + len(TITLE), o_start, o_end))
        out.append(TITLE)
        shift += len(TITLE) - (end - start)
        pos = end
    while pending is not None:
        segments.append((pending[0] + shift, pending[1] + shift, pending[2], pending[3]))
        pending = next(old, None)
    out.append(done.text[pos:])
    return Redacted("".join(out), done.original, tuple(segments))
