"""Contact details as speech-to-text writes them, found in words rather than symbols: e-mail addresses ("zq dev at
gmail dot com", "jane underscore doe at outlook dot co dot uk", "jane [at] acme [dot] io"), phone numbers in digits
or words ("five five five, one two three four", "plus four four seven nine ..."), and profile handles ("linkedin
slash in slash jdoe", "my github is zqdev", "zq underscore dev on twitter"), and a name the candidate introduces
themselves by ("my name is Priya", "call me Sasha"), which may not be the one on file, or there may be none.

Each finder takes text in the redactor's matching form (grader/redact.py) and returns the spans to replace.
The phone numbers are found in grader/spoken_numbers.py and the name in grader/spoken_names.py, in the same way.
Technical speech stays: "at index i", "the dot product", "node dot next", "five elements", "O of n", a list of
numbers ("one, two, three, four, five, six, seven, eight, nine"), a count, a quantity ("1,000,000") or a decimal.
What decides:
Spoken forms are read in both interview languages, English and Spanish (matched with accents folded): "arroba"
for "at", "punto" for "dot", "guion bajo" / "barra baja" for "underscore", "guion" for "dash", "cero" to "nueve"
for digits, and two digits said as one number ("eighteen fifteen", "dieciocho quince", "treinta y cuatro").
- an e-mail is `<local> at <domain>`: the domain ends in a known top-level domain ("dot com", "dot co dot uk") or
  is a mail provider ("at gmail"); the local part is the words before "at", back to a word that cannot be in an
  address ("my email is", "reach me at", punctuation), at most `MAX_LOCAL_WORDS` words (spelled letters and
  words joined by "dot", "underscore", "dash" are one word);
- a phone number: grader/spoken_numbers.py;
- a handle follows a platform and a slash, or a cue that declares one ("my github is", "my handle is", "my tag is",
  "my nickname on twitch is", "follow me at", "I'm ... on GitHub", "I go by ... on LeetCode", a messenger with "is",
  a colon, "at", "on", a comma or a dash: "reach me on telegram: zq_dev", "# skype: zqdev", "mi telegram es zqdev";
  a messenger that is an everyday word, "signal", "line", only after "my" or a verb that gives it; "I'm on telegram
  as", "ig:", "reddit u/zq"), with its server when federated (`@zq:matrix.org`, `@zq@mastodon.social`); a number
  of seven digits or more after a messenger cue is the number whole ("mi whatsapp es seis uno dos ..."); or is joined
  by a spoken underscore or dash and followed by "on <platform>" (without a joining word: grader/handles.py);
- an identifying number follows a cue that names it ("my student id is", "my employee number at Acme was", "mi DNI
  es"): the token with a digit after it;
- a name: grader/spoken_names.py.
"""

from __future__ import annotations

import re

from grader.spoken_numbers import MIN_CUED_PHONE_DIGITS, NUMBER_RUN, said_digits

# "at" and "dot" in English and Spanish, and as a candidate may say or type them in French, Portuguese or German
# ("arobase", "arroba", "at-Zeichen", "Klammeraffe"; "point", "ponto", "Punkt"; matched with accents folded).
_AT = r"at(?:\s+(?:sign|symbol)|[\s-]*zeichen)?|arroba|arobase|klammeraffe"
_DOT = r"dot|punto|point|ponto|punkt"
SPOKEN_AT = rf"(?:\s+(?:{_AT})\s+|\s*[\[({{<]\s*(?:{_AT})\s*[\])}}>]\s*|\s*@\s*)"
SPOKEN_DOT = rf"(?:\.|\s+(?:{_DOT})\s+|\s*[\[({{<]\s*(?:{_DOT})\s*[\])}}>]\s*)"
# Top-level domains that end a spoken address ("at outlook dot co dot uk"); not the ones that are everyday words
# after "dot" in code talk ("it", "is", "in", "to", "name", "email", "info", "app", "site", "page", "int").
TLDS = frozenset(
    """
    com org net edu gov mil io dev co uk us ca de fr nl be ch es pt se dk fi pl cz ie au nz jp cn kr sg hk tw br mx
    ar ru ua il za ng ke tr gr ro hu sk bg hr si lt lv ee me ai biz xyz
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# Mail providers named without a top-level domain ("jane at gmail").
PROVIDERS = frozenset(
    """
    gmail googlemail yahoo hotmail outlook icloud protonmail proton aol gmx yandex fastmail zoho tutanota
    """.split()  # noqa: SIM905  # a word list reads better as text
)
_TLD = "|".join(sorted(TLDS, key=len, reverse=True))
_PROVIDER = "|".join(sorted(PROVIDERS, key=len, reverse=True))
LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
# Speech-to-text may split a label ("g mail dot com").
_LABEL_DASH = r"dash|hyphen|guion|tiret|hifen|bindestrich"
DOMAIN_LABEL = rf"{LABEL}(?:\s+(?:{_LABEL_DASH})\s+{LABEL}|\s+(?!(?:{_AT}|{_DOT})(?!\w)){LABEL}){{0,2}}"
ADDRESS_DOMAIN = re.compile(
    rf"{SPOKEN_AT}(?P<domain>(?:{DOMAIN_LABEL}{SPOKEN_DOT})+(?:{_TLD})(?:{SPOKEN_DOT}(?:{_TLD}))*"
    rf"|(?:{_PROVIDER})(?:{SPOKEN_DOT}(?:{_TLD}))*)(?![\w/-])"
    r"(?!\s+(?:forward\s+)?slash\s|\s+barra\s)",  # a domain with a path, written or said, is a link's
    re.IGNORECASE,
)
# Words that join the parts of an address or a handle ("jane underscore doe", "zq dash dev").
# In Spanish: "punto", "guion bajo" / "barra baja" (underscore), "guion" (dash), "menos", "mas" (as matched:
# accents folded, grader/matching_form.py).
JOINERS = frozenset(
    {
        "dot",
        "period",
        "underscore",
        "dash",
        "hyphen",
        "minus",
        "plus",
        "punto",
        "guion",
        "bajo",
        "barra",
        "baja",
    }
    | {"menos", "mas"}
    # French, Portuguese, German: "point", "tiret (bas)", "ponto", "traço", "hífen", "underline", "Punkt",
    # "Unterstrich", "Bindestrich".
    | {"point", "tiret", "bas", "ponto", "traco", "hifen", "underline", "punkt", "unterstrich", "bindestrich"}
)
JOIN = (
    r"(?:[._+\-]|\s+(?:dot|period|underscore|under\s+score|dash|hyphen|minus|plus"
    r"|punto|guion(?:\s+(?:bajo|medio))?|barra\s+baja|menos"
    r"|point|tiret(?:\s+bas)?|ponto|traco|hifen|underline|punkt|unterstrich|bindestrich)\s+)"
)
# Words of two letters or more in a spoken local part; spelled letters and joined parts are free.
MAX_LOCAL_WORDS = 3
# A hesitation between a name's cue and the name, commas as speech-to-text writes them: "call me, uh, Priya", "I'm
# um Priya Raman" (grader/spoken_names.py, grader/introductions.py); then the space before the name.
HESITATION_GAP = r"(?:,?[ \t]+(?i:u+h+|u+m+|e+r+m*|h+m+),?)?[ \t]+"
# Words that end a spoken local part or handle when reading leftwards or rightwards: they are not in an address.
# (\u0939 is Hindi "है", "is", as matched: its vowel sign folded away; it ends "मेरा नाम प्रिया है".)
BOUNDARY = frozenset(
    """
    a also am an and are as at be but by can contact could did do does e-mail email email's emails for from had handle
    has have he hello here hey hi i i'm id if in is it it's its just mail me my of oh ok okay on or our please
    reach send she should so that the then there they this to too under use user username via was we what will
    with would write you your yes look looking looked check checking see store stored put set get go going
    went been point pointing start starting stop end ending index not
    mi mis es son era al de del en el la los las lo un una por para que con me te se su sus tu tus este esta
    correo electronico direccion escribeme mandame escribirme contactarme puedes puede usuario cuenta pero como
    mon ma mes est c'est courriel adresse moi meu minha ist lautet meine mein die der unter
    \u0939
    """.split()  # noqa: SIM905  # a word list reads better as text
)
WORD = re.compile(r"[\w'%+]+(?:[._-][\w'%+]+)*")

PLATFORMS = (
    r"kakao(?:\s*talk)?|linked\s*in|git\s*hub|git\s*lab|bitbucket|twitter|x\s+dot\s+com|stack\s*overflow|medium|instagram|insta"
    r"|facebook|youtube|tik\s*tok|mastodon|blue\s*sky|threads|leet\s*code|hacker\s*rank|codeforces|kaggle"
    r"|dev\s+dot\s+to|behance|dribbble|telegram|discord|twitch|substack|keybase"
    r"|skype|we\s*chat|whats\s*app|viber|kik|snap\s*chat|threema|icq|weibo|reddit|i\s*message|face\s*time"
)
# Messengers whose names are also everyday words ("the signal", "line 3", "the teams", "zoom in"): a handle after
# one only with a cue that says it is the candidate's ("add me on signal,", "my signal username is").
EVERYDAY_MESSENGERS = (
    r"signal|line|teams|slack|zoom|wire|element|matrix|session|messenger|hangouts|google\s+chat"
)
_ANY_MESSENGER = rf"(?:{PLATFORMS}|{EVERYDAY_MESSENGERS})"
_ACCOUNT = r"(?:handle|user\s*name|user\s*id|screen\s*name|id|number|account|tag|nick(?:\s*name)?)"
# What a site calls the path to a profile (LinkedIn's "public profile URL", its last part a "slug").
_PATH_WORD = r"(?:slug|vanity\s+(?:url|name)|(?:custom|public|profile|personal)\s+(?:url|link)|url|link|page)"
# What sets a handle after the cue apart: "is", "at", "as", "under", a colon, an equals sign, a comma or a dash.
_THEN = r"(?:\s+(?:is|at|as|under)(?!\w)|\s*[:=,]|\s+-(?=\s))"
_SP_ACCOUNT = r"(?:usuario|nombre\s+de\s+usuario|nick|alias|id|cuenta|perfil|handle)"
# Messengers a comment or a line can label a handle with ("# telegram: zq_dev"): not a practice site ("# LeetCode:
# two-sum" names the problem).
_LABELLED = (
    r"telegram|discord|skype|we\s*chat|whats\s*app|viber|kik|snap\s*chat|threema|icq|i\s*message|face\s*time"
    r"|keybase"
    # Profile sites whose label is followed by a username ("# GitHub: zqdev", "linkedin: zq-dev"), not a practice
    # site's, whose label names a problem.
    r"|git\s*hub|gh|git\s*lab|bitbucket|linked\s*in|twitter|instagram|blue\s*sky|mastodon|tik\s*tok|twitch"
)
# Where a handle is theirs, between it and "is" ("my username everywhere is zqdev").
_WHERE = r"(?:everywhere|online|usually|always|too|also|there|elsewhere)"
SLASH = r"(?:\s*/\s*|\s+(?:forward\s+)?slash\s+|\s+barra\s+|\s+schragstrich\s+)"  # "barra": Spanish
HANDLE_WORD = r"[^\W_]+"  # letters and digits: the joining characters are `JOIN`'s, so a match is unambiguous
HANDLE_BODY = rf"@?\s*{HANDLE_WORD}(?:{JOIN}{HANDLE_WORD})*"
# "linkedin slash in slash jdoe", "github dot com slash zq dash dev".
PROFILE_PATH = re.compile(
    rf"(?<![\w-])(?:{PLATFORMS})(?:{SPOKEN_DOT}(?:com|org|net|io|to))?(?:{SLASH}{HANDLE_BODY})+"
    # A Reddit user as Reddit writes one, after the platform ("dm me on reddit u/zqdev", "reddit: /u/zq_dev").
    rf"|(?<![\w-])reddit(?:\s+(?:as|is|at|como|es)|\s*[:,])?\s+/?u{SLASH}{HANDLE_BODY}",
    re.IGNORECASE,
)
# A cue that declares a handle, which follows it ("my github is", "follow me at", "I'm ... on GitHub").
HANDLE_CUE = re.compile(
    rf"(?<![\w-])(?:(?:my|our)\s+(?:(?:{PLATFORMS})\s+)?(?:handle|user\s*name|user\s*id|screen\s*name"
    rf"|gamer\s*tag|tag|nick\s*name|nick|alias|profile|account|id|website|web\s*site|site|portfolio|blog"
    rf"|home\s*page)(?:\s+on\s+(?:{PLATFORMS})|\s+{_WHERE})?(?:\s+is|'s|\s*[:=])"
    rf"|(?:my|our)\s+(?:{PLATFORMS})(?:\s+{_WHERE})?(?:\s+is|'s|\s*[:=])"
    # A site's word for the path to a profile ("my linkedin slug is", "my LinkedIn URL: ..."), and a label of a site
    # and a word for an account where a clause or a comment opens ("GitHub handle: zqdev", "gh handle - zqdev",
    # "linkedin slug: zq-dev"), 2026-12-05; with "is" only after "my" ("GitHub page is broken").
    rf"|(?:my|our)\s+(?:{PLATFORMS})\s+{_PATH_WORD}(?:\s+{_WHERE})?(?:\s+is|'s|\s*[:=])"
    rf"|(?:^|(?<=[\n.!?;:,(#/*]))[ \t]*(?:{PLATFORMS}|gh)\s+(?:{_ACCOUNT}|{_PATH_WORD})(?:\s*[:=]|\s+-(?=\s))"
    # An address whose domain may come in the next turn ("my email is zqdev" ... "at gmail dot com").
    r"|(?:my|our)\s+(?:(?:personal|work|private|school)\s+)?(?:e-?\s*mail|mail|inbox|gmail|googlemail|hotmail|yahoo"
    r"|protonmail|icloud|gmx)(?:\s+address)?"
    r"(?:\s+is|'s|\s*[:=])|(?:e-?\s*mail|mail|write\s+to)\s+me\s+(?:at|on|:)"
    rf"|(?:find|follow|add|dm|message|ping|tag)\s+me\s+(?:on\s+(?:{PLATFORMS})\s+)?(?:at|as|:|(?=@))"
    # A messenger ("reach me on telegram: zq_dev", "add me on signal, zq.dev", "whatsapp me at zqdev", "skype id:
    # zqdev", "# telegram: zq_dev"); as a bare label only a messenger that is no everyday word.
    rf"|(?:reach|contact|find|add|message|text|ping|dm|call|catch|follow|write|hit\s+me\s+up|get\s+me)"
    rf"(?:\s+me)?\s+(?:on|at|via|through|over|in)\s+{_ANY_MESSENGER}{_THEN}"
    rf"|(?:{PLATFORMS}|signal)\s+me\s+(?:at|on|as|:|,)"
    # "I'm on telegram as zq_dev", "I'm also on discord: zqdev"; an Instagram label ("ig: zq_dev", "insta: zq").
    rf"|(?:i'm|i\s+am|im)(?:\s+also)?\s+on\s+(?:{PLATFORMS})(?:\s+(?:as|under)(?!\w)|\s*[:=,])"
    r"|(?:ig|insta)\s*[:=](?!//)(?=\s*@?[^\W\d_])"
    rf"|(?:my|our)\s+{_ANY_MESSENGER}\s+{_ACCOUNT}(?:\s+is|'s|\s*[:=])"
    rf"|(?:{_LABELLED})(?:\s+{_ACCOUNT})?\s*[:=](?!//)"
    # The same in Spanish ("mi telegram es", "mi usuario de skype es", "búscame en telegram como", "agrégame en
    # signal:").
    rf"|(?:mi|nuestro|nuestra)\s+(?:{_SP_ACCOUNT}\s+(?:de|en)\s+)?{_ANY_MESSENGER}(?:\s+es|\s*[:=])"
    rf"|(?:mi|nuestro|nuestra)\s+{_SP_ACCOUNT}(?:\s+es|\s*[:=])"
    rf"|(?:b[uú]s[cq]u?[ae]me|escr[ií]b[ea]me|agr[eé]g[ua]?[ea]me|a[nñ][aá]d[ea]me|cont[aá]ct[ae]me|encu[eé]ntr[ae]me"
    rf"|s[ií]g[ua]?[ea]me|h[aá]bl[ae]me|ll[aá]m[ae]me|m[aá]nd[ae]me\s+un\s+mensaje|escr[ií]b[ea]me)"
    rf"\s+(?:en|por|a\s+trav[eé]s\s+de)\s+{_ANY_MESSENGER}(?:\s+(?:como|es)(?!\w)|\s*[:=,])"
    rf"|(?:i'm|i\s+am|go\s+by)(?=\s+(?:at\s+|@\s*)?{HANDLE_WORD}(?:{JOIN}{HANDLE_WORD})*(?:\s+{HANDLE_WORD}){{0,2}}\s+on\s+(?:{PLATFORMS})))",
    re.IGNORECASE,
)
# "zq underscore dev on GitHub": a handle said with a joining word, named by its platform (found from "on
# <platform>" leftwards, `joined_handle_before`).
ON_PLATFORM_AFTER = re.compile(rf"(?<=\S)\s+on\s+(?:{PLATFORMS})(?!\w)", re.IGNORECASE)
JOINED_HANDLE_END = re.compile(rf"(?<![\w-])(?:@\s*)?{HANDLE_WORD}(?:{JOIN}{HANDLE_WORD})*\Z", re.IGNORECASE)
SPOKEN_JOINER = re.compile(
    r"\s(?:underscore|under\s+score|dash|hyphen|guion(?:\s+bajo)?|barra\s+baja)\s", re.IGNORECASE
)


LEAD = re.compile(r"\s*(?:at\s+)?")  # before a handle: the spoken "@" stays as "at"
HANDLE = re.compile(HANDLE_BODY, re.IGNORECASE)
NEXT_WORD = re.compile(rf"\s+({HANDLE_WORD}(?:{JOIN}{HANDLE_WORD})*)", re.IGNORECASE)
ON_PLATFORM = re.compile(rf"\s+on\s+(?:{PLATFORMS})", re.IGNORECASE)
PIECES = re.compile(r"[^\W_]+")


def _words_left(text: str, end: int) -> int:
    """Where a spoken local part that ends at `end` starts (== `end`: none). Reads words leftwards, across spaces
    and joining words, up to a boundary word or anything but a space between words."""
    words = list(WORD.finditer(text, max(0, end - 200), end))
    start = end
    plain = 0
    joined = True  # the word to the right was joined by a joining word (or is the "at" itself)
    for m in reversed(words):
        between = text[m.end() : start]
        if between.strip():
            break  # punctuation between words: the address does not go past it
        word = m.group().lower()
        if word in JOINERS:
            if start == end:
                break  # "dot at gmail" is not an address
            joined, start = True, m.start()
            continue
        if word in BOUNDARY and not (
            len(word) == 1
            and _letter(text[m.end() : end].split()[:1])
            and _letter(text[max(0, m.start() - 3) : m.start()].split()[-1:])
        ):
            break  # "i" and "a" inside a spelled run are letters ("s m i t h at gmail"), not words
        if not joined and len(word) > 1:
            plain += 1
            if plain >= MAX_LOCAL_WORDS:
                break
        joined = False
        start = m.start()
    if start < end and text[start:end].split()[0].lower() in JOINERS:
        start = end  # a dangling joining word is not a local part
    return start


def spoken_emails(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span of the spoken address whose "at <domain>" is `text[start:end]`, none without a local part."""
    domain = ADDRESS_DOMAIN.match(text, start)
    first_label = re.split(r"[\s.]+", domain.group("domain"))[0].lower() if domain else ""
    local = _words_left(text, start)
    if local == start or first_label in BOUNDARY:
        return []  # "looking at the dot com era"
    return [(local, end)]


def _words_right(text: str, start: int, limit: int = MAX_LOCAL_WORDS) -> int:
    """Where a spoken handle that starts at `start` ends: its words joined by joining words, then up to `limit`
    plain words (speech-to-text splits "zqdev" as "zq dev"), up to a boundary word or punctuation."""
    lead = LEAD.match(text, start)
    start = lead.end() if lead else start
    m = HANDLE.match(text, start)
    if m is None:
        return start
    end = m.end()
    first = m.group().lstrip("@ ").lower()
    if first in BOUNDARY or first in JOINERS:
        return start
    words = 1
    last = PIECES.findall(first)[-1] if PIECES.search(first) else first
    while words < limit:
        nxt = NEXT_WORD.match(text, end)
        if nxt is None or ON_PLATFORM.match(text, end):
            break
        word = nxt.group(1).lower()
        pieces = PIECES.findall(word)
        # A letter after a letter: one spelled word ("z q d e v", "z q underscore d e v").
        spelled = len(pieces[0]) == 1 and len(last) == 1
        if word in JOINERS or (word in BOUNDARY and not spelled):
            break
        words += 0 if spelled else 1
        end, last = nxt.end(), pieces[-1]
    return end


def _letter(words: list[str]) -> bool:
    """The first of `words` is a single letter."""
    return bool(words) and len(words[0]) == 1 and words[0].isalpha()


def spoken_path(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A platform's path (`text[start:end]`) and the plain words that end its handle ("slash zq dev")."""
    return [(start, max(end, _words_right(text, _last_segment(text, start, end))))]


def _last_segment(text: str, start: int, end: int) -> int:
    """Where the handle after the path's last slash starts."""
    slashes = list(re.finditer(SLASH, text[start:end], re.IGNORECASE))
    return start + slashes[-1].end() if slashes else end


def joined_handle_before(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The handle said with a spoken underscore or dash right before "on <platform>" (`text[start:end]`)."""
    window = max(0, start - 200)
    m = JOINED_HANDLE_END.search(text[window:start])
    if m is None or not SPOKEN_JOINER.search(m.group()):
        return []
    return [(window + m.start(), start)]


# A federated handle's server (`@zq:matrix.org`, `@zq@mastodon.social`): part of the handle.
SERVER = re.compile(
    r"[:@][a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(?![\w@.-])", re.I
)


def with_server(text: str, end: int) -> int:
    """Where a handle that ends at `end` ends with its server, if one follows it."""
    m = SERVER.match(text, end)
    return m.end() if m else end


def spoken_handles(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The handle a cue declares (`text[start:end]` the cue, the handle right after it): a number said after a
    messenger ("mi whatsapp es seis uno dos ...") is the whole number, not its first digit."""
    lead = LEAD.match(text, end)
    at = lead.end() if lead else end
    run = NUMBER_RUN.match(text, at)
    if run is not None and said_digits(run.group()) >= MIN_CUED_PHONE_DIGITS:
        return [(at, run.end())]
    handle_end = _words_right(text, at)
    return [(at, with_server(text, handle_end))] if handle_end > at else []


def spoken_local(local: str) -> str:
    """A pattern for an e-mail address's local part as it is said ("zq_dev": "zq underscore dev", "zq dev")."""
    parts = re.findall(r"[^\W\d_]+|\d+", local)  # "l99" is said "l 99" as often
    between = rf"(?:\s+|{JOIN})"
    return between.join(re.escape(p) for p in parts)


# A number that identifies the candidate, after a cue that says whose and what it is ("my student id is A0123",
# "my employee number at Acme was 448812", "mi DNI es 12345678Z", "mi número de legajo: 4471"): the token with a
# digit after it, and the groups of digits that go on from it ("448 812").
ID_CUE = re.compile(
    r"(?<![\w-])(?:(?:my|our)\s+(?:student|employee|staff|badge|member(?:ship)?|customer|passport|national|tax"
    r"|social\s+security|insurance|matriculation|enrol(?:l)?ment|registration|roll|applicant|candidate|licen[cs]e"
    r"|driver'?s\s+licen[cs]e|ssn|nhs|pan|aadhaar|sin)(?:\s+(?:id|number|no\.?|num|#|code|card))?"
    r"(?:\s+(?:at|with|from|for)\s+\w+)?(?:\s+(?:is|was)|'s|\s*[:=#])"
    r"|(?:mi|nuestro|nuestra)\s+(?:dni|nie|nif|c[eé]dula|pasaporte|matr[ií]cula|legajo|carn[eé](?:\s+de\s+\w+)?"
    r"|n[uú]mero\s+de\s+(?:estudiante|empleado|alumno|matr[ií]cula|legajo|pasaporte|documento|seguro\s+social"
    r"|identificaci[oó]n))(?:\s+(?:en|de)\s+\w+)?(?:\s+(?:es|era|fue)|\s*[:=#]))",
    re.IGNORECASE,
)
ID_VALUE = re.compile(r"\s*(?:#\s*)?[A-Za-z0-9-]*\d[A-Za-z0-9-]*(?:[ .-]\d+)*")


def spoken_ids(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The identifying number a cue declares (`text[start:end]` the cue), if what follows it holds a digit."""
    m = ID_VALUE.match(text, end)
    if m is None:
        return []
    return [(m.start() + len(m.group()) - len(m.group().lstrip()), m.end())]
