"""Contact details as speech-to-text writes them, found in words rather than symbols: e-mail addresses ("zq dev at
gmail dot com", "jane underscore doe at outlook dot co dot uk", "jane [at] acme [dot] io"), phone numbers in digits
or words ("five five five, one two three four", "plus four four seven nine ..."), and profile handles ("linkedin
slash in slash jdoe", "my github is zqdev", "zq underscore dev on twitter"), and a name the candidate introduces
themselves by ("my name is Priya", "call me Sasha"), which may not be the one on file, or there may be none.

Each finder takes text in the redactor's matching form (grader/redact.py) and returns the spans to replace.
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
- a phone number is a run of digits (numerals, digit words, "oh", "double five") joined by spaces, dashes, dots,
  brackets or commas: nine digits or more; seven or more when read out digit by digit in words, or after a contact
  cue in the same sentence ("call me", "my number is", "phone", "cell", "mi teléfono", "llámame al"); numbers said in
  tens only after a cue ("ten, twenty, thirty" is a list); unless, without a cue, it is a count
  (consecutive or repeated digits) or bits (only zeros and ones), or it is a list (one number per comma);
- a handle follows a platform and a slash, or a cue that declares one ("my github is", "my handle is", "my tag is",
  "my nickname on twitch is", "follow me at", "I'm ... on GitHub", "I go by ... on LeetCode", a messenger with "is",
  a colon, "at", "on", a comma or a dash: "reach me on telegram: zq_dev", "# skype: zqdev", "mi telegram es zqdev";
  a messenger that is an everyday word, "signal", "line", only after "my" or a verb that gives it; "I'm on telegram
  as", "ig:", "reddit u/zq"), with its server when federated (`@zq:matrix.org`, `@zq@mastodon.social`); a number
  of seven digits or more after a messenger cue is the number whole ("mi whatsapp es seis uno dos ..."); or is joined
  by a spoken underscore or dash and followed by "on <platform>" (without a joining word: grader/handles.py);
- an identifying number follows a cue that names it ("my student id is", "my employee number at Acme was", "mi DNI
  es"): the token with a digit after it;
- a name follows "my name is" (up to two words, to a boundary word or punctuation), or "call me", "I go by",
  "people call me" when written as a name (capitalised, as speech-to-text writes names): "call me back" stays.
"""

from __future__ import annotations

import itertools
import re

from grader import name_particles
from grader.cjk_names import CJK_NAME_CUE, cjk_name, latin_after_cue

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
    if run is not None and _digits(run.group()) >= MIN_CUED_PHONE_DIGITS:
        return [(at, run.end())]
    handle_end = _words_right(text, at)
    return [(at, with_server(text, handle_end))] if handle_end > at else []


# "My name is" in English and Spanish, and as a candidate may say it in French, German or Portuguese ("mi nombre
# es", "mon nom est", "mein Name ist", "meu nome é"; accents folded); "me llamo", "je m'appelle", "ich heiße", "me
# chamo" below, before a capitalised name only.
_STRONG_NAME_CUE = (
    r"my\s+(?:first\s+|full\s+|last\s+|family\s+|given\s+|middle\s+|sur)?name\s+is|my\s+(?:sur)?name's"
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
    r"|(?:you\s+can\s+|people\s+|everyone\s+|just\s+)?call\s+me|i\s+go\s+by|llamame|puedes\s+llamarme"
    r"|(?:i'm|i\s+am)\s+called|(?:know|knows|knew)\s+me\s+as|the\s+name's"
    # As a name is written (a capital) only: "me llamó la atención" folds to "me llamo la atencion".
    r"|me\s+llamo|me\s+chamo|je\s+m'appelle|ich\s+heisse|appelle[sz]?[\s-]moi|nenn\s+mich"
    r"|mi\s+chiamo|ik\s+heet|nazywam\s+sie|wo\s+jiao)\s+"
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


def spoken_name(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The name a cue introduces (`text[start:end]` the cue): see the module's rules."""
    word = NAME_WORD
    if (cjk := cjk_name(text, start, end)) is not None:
        if cjk or not latin_after_cue(text, start, end):
            return cjk
        word = LATIN_NAME_WORD  # "我叫Zhang Wei": read as "my name is" reads it, in Latin letters
    elif not CUE_STRONG.match(text, start):
        m = CAPITALISED.match(text, end)
        if m is None or m.group().split()[0].lower() in BOUNDARY:
            return []
        # "call me Sanne de Vries": a particle and the words after it (grader/name_particles.py).
        return [(end, name_particles.extend(text, m.end(), False, BOUNDARY, 3 - len(m.group().split())))]
    stop = end
    words, last = 0, ""
    while words < 2:
        m = word.match(text, stop)
        spelled = m is not None and len(m.group(1)) == 1 and len(last) == 1  # "j o h n": one word spelled out
        if m is None or (m.group(1).lower() in BOUNDARY and not spelled) or m.group(1).lower() in JOINERS:
            break
        if words and m.group(1) in ("y", "e") and not spelled:
            break  # "mi nombre es ana y trabajo en ...": a conjunction, a name's only before a capital
        words += 0 if spelled else 1
        stop, last = m.end(), m.group(1)
    if len(last) > 1:  # "my name is Sanne de Vries", "... Nguyen Van An" (grader/name_particles.py)
        stop = name_particles.extend(text, stop, text[end:stop].islower(), BOUNDARY)
    if word is LATIN_NAME_WORD:  # the cue's script has no space after it: one written there stays
        end += len(text[end:stop]) - len(text[end:stop].lstrip())
    return [(end, stop)] if stop > end else []


CUE_STRONG = re.compile(rf"(?i:{_STRONG_NAME_CUE})")


# Digits said as words, in English and Spanish (as matched: accents folded, "seis", "dieciseis").
DIGIT_WORDS = {
    "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
    "cero": 0, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9,
}  # fmt: skip
# Two digits said as one number ("eighteen fifteen", "dieciocho quince", "treinta y cuatro", "twenty-one").
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
    "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiuno": 21, "veintiun": 21,
    "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26,
    "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
}  # fmt: skip
# Digits said in French, Portuguese and German, as a candidate may say or type a number in their own language
# ("zéro six un deux ...", "null eins sieben ..."): a digit only in a run said wholly in words, with one of them
# that is no word of English, Spanish or code (`OTHER_ONLY`), since "un", "um" and "null" are ("um, one, two", "1 2 3
# null null 4 5" is a tree's level order).
OTHER_DIGIT_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9,
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "quatro": 4, "sete": 7, "oito": 8, "nove": 9,
    "null": 0, "eins": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "funf": 5, "fuenf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9,
}  # fmt: skip
# Those that are no word of English, Spanish or code: a run said in another language holds one of them.
OTHER_ONLY = frozenset(OTHER_DIGIT_WORDS) - {"un", "une", "um", "uma", "null"}
NUMBER_WORDS = {**DIGIT_WORDS, **OTHER_DIGIT_WORDS, **TEENS, **TENS}
_UNITS = "one|two|three|four|five|six|seven|eight|nine|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve"
_TWO_DIGITS = rf"(?:{'|'.join(TENS)})(?:(?:-|\s+(?:y\s+)?)(?:{_UNITS})(?!\w))?|{'|'.join(TEENS)}"
NATIVE_DIGIT = rf"(?:{_TWO_DIGITS}|{'|'.join(DIGIT_WORDS)}|\d+)"
DIGIT = (
    rf"(?:{_TWO_DIGITS}|{'|'.join(sorted({*DIGIT_WORDS, *OTHER_DIGIT_WORDS}, key=len, reverse=True))}|\d+)"
)
NUMBER_GAP = r"(?:\s*[,.\-\u2010-\u2015/]\s*|\s*[()]\s*|\s+(?:dash|hyphen|guion)\s+|\s+)"


def _number_run(digit: str) -> re.Pattern[str]:
    token = rf"(?:(?:double|triple|doble|triple)\s+)?{digit}(?!\w)"
    return re.compile(
        rf"(?<![\w+.,])(?:(?:\+|(?:plus|mas)\s+)\s*)?\(?\s*{token}(?:{NUMBER_GAP}\(?{token})*", re.IGNORECASE
    )


NUMBER_RUN = _number_run(DIGIT)
NATIVE_RUN = _number_run(NATIVE_DIGIT)  # without the digits of `OTHER_DIGIT_WORDS`
TOKEN_IN_RUN = re.compile(rf"(?:(double|triple|doble)\s+)?({DIGIT})(?!\w)", re.IGNORECASE)
# A word for number followed by "of" (or "de", "von", ...) counts ("my number of tests", "meu número de testes",
# "mi número de pruebas"), unless what it is the number of is a phone's ("mi número de casa", "número de celular").
_COUNT = (
    r"(?!\s+(?:of|de|del|da|do|das|dos|des|du|d'|von|der)\s+(?!(?:casa|telefono|telefone|celular|movil|contacto"
    r"|contato|trabajo|trabalho|oficina|escritorio|maison|portable|bureau|travail|whatsapp)(?!\w)))"
)
PHONE_CUE = re.compile(
    r"(?<!\w)(?:phone|mobile|cell|cellphone|telephone|tel|landline|whatsapp|sms|dial|extension|ext"
    rf"|(?:call|text|ring|reach|contact)\s+(?:me|us)|(?:my|a|the)\s+number{_COUNT}|number\s+is|number's"
    # In Spanish (accents folded): "mi teléfono", "mi número es", "llámame al", "mi móvil", "celular".
    rf"|telefono|movil|celular|(?:mi|su|tu)\s+numero{_COUNT}|llamame|marcame|escribeme\s+al"
    # French, Portuguese, German: "mon numéro", "meu telefone", "meine Nummer", "appelle-moi", "ruf mich an".
    rf"|(?:mon|ma|meu|minha|mein|meine)\s+(?:(?:numero|nummer){_COUNT}|portable|telefone|telefon|handy|celular|tel)"
    r"|telefone|telefon|telefonnummer|handynummer|appelle[sz]?[\s-]moi|appelez[\s-]moi|ligue[\s-]me|ruf\s+mich"
    # Brazilian Portuguese: "ligue para mim", "me liga", "meu zap" (WhatsApp).
    r"|lig(?:ue|a)\s+(?:para|pra)\s+mim|me\s+liga|(?:meu|minha)\s+(?:zap|whats|zapzap))(?!\w)",
    re.IGNORECASE,
)


def _token(word: str) -> tuple[int, int]:
    """A number token's value and how many digits it says ("7": 1; "415": 3; "eighteen": 2; "treinta y
    cuatro": 2)."""
    word = word.lower()
    if word.isdigit():
        return int(word), len(word)
    parts = re.split(r"[\s-]+", word)
    if parts[0] in TENS:
        return TENS[parts[0]] + (NUMBER_WORDS[parts[-1]] if len(parts) > 1 else 0), 2
    return NUMBER_WORDS[word], 2 if word in TEENS else 1


def _digits(run: str) -> int:
    """How many digits a number run says."""
    total = 0
    for t in TOKEN_IN_RUN.finditer(run):
        times = {"double": 2, "doble": 2, "triple": 3}.get((t.group(1) or "").lower(), 1)
        total += _token(t.group(2))[1] * times
    return total


MIN_PHONE_DIGITS = 9
MIN_CUED_PHONE_DIGITS = 7


def _cued(text: str, start: int) -> bool:
    """A contact cue in the same sentence, a few words before `start`."""
    before = text[max(0, start - 80) : start]
    sentence = re.split(r"[.!?;\n]\s", before)[-1]
    return PHONE_CUE.search(sentence) is not None


def spoken_phones(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The run `text[start:end]` if it is a phone number (see the module's rules)."""
    run = text[start:end]
    tokens = list(TOKEN_IN_RUN.finditer(run))
    numerals = [t.group(2).isdigit() for t in tokens]
    words = {t.group(2).lower() for t in tokens}
    if words & OTHER_DIGIT_WORDS.keys() and (any(numerals) or not words & OTHER_ONLY):
        # Not a number said in another language (numerals in it, or only "un", "um", "null" of its words): those
        # words are not digits, and the runs between them are judged alone ("um, one, two, um, three").
        return [
            span for m in NATIVE_RUN.finditer(text, start, end) for span in spoken_phones(text, *m.span())
        ]
    values: list[int] = []
    digits = 0
    for t in tokens:
        times = {"double": 2, "doble": 2, "triple": 3}.get((t.group(1) or "").lower(), 1)
        value, n = _token(t.group(2))
        digits += n * times
        values.append(value)
    gaps = [run[a.end() : b.start()] for a, b in itertools.pairwise(tokens)]
    tight = [g in (",", ".") and numerals[i] and numerals[i + 1] for i, g in enumerate(gaps)]
    if any(g == "," for g, t in zip(gaps, tight, strict=True) if t):
        return []  # a quantity: "1,000,000"
    if sum(tight) == 1 and len(gaps) == 1:
        return []  # a decimal: "3.14159265"
    international = run.lstrip().lower().startswith(("+", "plus", "mas"))
    cued = international or _cued(text, start)
    said = not any(numerals)  # digit by digit in words, as a number is read out
    if not cued and any(not t.group(2).isdigit() and _token(t.group(2))[1] > 1 for t in tokens):
        return []  # numbers said in tens ("twenty, thirty, forty"): a phone number only after a cue
    if digits < (MIN_CUED_PHONE_DIGITS if cued or said else MIN_PHONE_DIGITS):
        return []
    steps = {b - a for a, b in itertools.pairwise(values)}
    if not cued and all(v < 10 for v in values) and len(steps) == 1 and steps <= {1, 0, -1}:
        return []  # counting or repeating: "one two three four five six seven eight nine"
    if not cued and set(values) <= {0, 1}:
        return []  # bits, a grid's row: "one one zero zero one one zero"
    groups = [TOKEN_IN_RUN.findall(g) for g in run.split(",")]
    if len(groups) >= 3 and all(len(g) == 1 for g in groups):
        numbers = [_token(g[0][1])[0] for g in groups]
        small = all(len(g[0][1]) <= 2 or not g[0][1].isdigit() for g in groups)
        if not cued or small or len({b - a for a, b in itertools.pairwise(numbers)}) == 1:
            return []  # a list, one number per comma ("10, 20, 30"; "100, 200, 300")
    return [
        (start + len(run) - len(run.lstrip()), end)
    ]  # without the space a run can open with ("# five ...")


def cued_phones(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The run `text[start:end]` if it is a phone number after a contact cue or with a country code ("phone:
    4155550134", "call me at 415 555 0134", "+44 20 7946 0958"): in a program's output a run of digits alone is a
    value."""
    cued = text[start:end].lstrip().lower().startswith(("+", "plus", "mas")) or _cued(text, start)
    return spoken_phones(text, start, end) if cued else []


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
