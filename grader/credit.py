"""What a citation proves about the candidate: the rule for credit.

Credit (a dimension scored 3 or 4, a rubric item met) says the candidate did something. A verified citation only
says the quoted text is there. So credit needs at least one citation that is the candidate's own *and* carries
some substance of theirs (`substantive`):
- a run or a submission of their code that the judge completed: our result text, whatever it quotes (the result is
  of their work); not one the judge failed (`internal_error`: our failure, which shows nothing of the code), nor,
  for testing and explaining, one the candidate did not make (the interviewer's, the grader's final submission:
  `OF_THE_INTERVIEW`), nor one of the starter code as given, comments, string literals and spacing aside
  (`untouched`: its verdict is the bank's code's, and a run of it had counted as their work);
- their own words (a transcript line of theirs) when the quote, outside what was redacted (`[candidate]`, `[email]`,
  ...), holds at least `MIN_CONTENT_WORDS` distinct content words, words that are not function words, fillers or
  acknowledgements ("yes", "okay", "sounds good", "got it", "I see": `FILLER`), a big-O expression being one word
  (`O(n)`); and those words are not an echo of what they were given (`_echoes`): in their order with nothing
  between them but fillers, words of a line of the interviewer's last turn before it (a candidate who answers "Yes,
  a hash map from value to index" to "Would a hash map from value to index help?" repeats the interviewer), or
  within one clause of a line the interviewer said turns before, of the question's statement (read back, or pasted
  into the chat) or of a hint given before it; so is such a run of three words or more with one word slipped in
  ("Yes, a hash map, obviously, from value to index"), plurals read as singulars (`_Given.echoed`). The same
  words in another order or apart ("that's three coins" after "try coins one, three, four") are theirs;
- their code (a snapshot) when the quote, outside what was redacted and outside its comments, string literals and
  names that state an outcome (a comment "# I considered O(n) and tested every edge case" or a name
  `all_hidden_tests_passed` claims work, shows none, and can be pasted: grader/code_claims.py; so does a sentence
  typed into the editor with no comment mark, "I tested each edge case by hand": grader/code_prose.py), holds at
  least `MIN_CODE_TOKENS` distinct identifiers or numbers besides the languages' keywords and literals (`return
  []`, `})`, `pass`, `seen = {}` say nothing of how they solved it), and is not wholly code the candidate was given
  (the question's starter code: its signature line is in every snapshot of everyone's).

A quote of their words that stages the record's own structure (a speaker's label, "Interviewer:" or "[system]", a
row's mark with its time, our wording of a run's result, "visible tests 5/5 passed": grader/staged.py) is none: it
claims what only the record shows, as a comment in code does.

The interviewer's own lines never count (a candidate can lead the interviewer into saying the approach). A
sloppy or steered model that credits on "yes", a bracket, a name's placeholder or an echo is sent back to the repair
round like a bad citation. In a script written without spaces (Han, kana, Hangul, Thai) each two distinct
characters count as one word.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from functools import lru_cache

from grader.code_claims import claim_spans
from grader.code_comments import comment_spans
from grader.code_prose import prose_spans
from grader.evidence import RUN_TYPES, CitableEvent, CitationIndex, normalise
from grader.facts import GRADER
from grader.final_submit import JUDGE_FAILED
from grader.redacted import Redacted
from grader.schemas import Evidence
from grader.staged import staged
from grader.word_patterns import UNSPACED

MIN_CONTENT_WORDS = 2
MIN_CODE_TOKENS = 2

# Function words, pronouns, auxiliaries, fillers, acknowledgements and courtesies of English and Spanish (the
# interview's languages): words that carry no idea of the candidate's own.
FILLER = frozenset(
    """
    a about above after again all also am an and any are aren't as at be because been before being below between
    both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each else even
    ever every few for from further get gets getting go goes going gonna got gotta had hadn't has hasn't have
    haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've
    if in into is isn't it it'd it'll it's its itself just let let's like maybe me might mine more most much must
    my myself no nor not now of off on once one only or other ought our ours ourselves out over own probably
    pretty quite rather really same she she'd she'll she's should shouldn't so some something such than that
    that's the their theirs them themselves then there there's these they they'd they'll they're they've thing
    things this those though through to too under until up upon us very wanna was wasn't we we'd we'll we're we've
    were weren't what what's when when's where where's which while who who's whom why why's will with won't would
    wouldn't yet you you'd you'll you're you've your yours yourself yourselves
    ok okay okey yes yeah yep yup yea nope nah sure right alright fine good great cool nice perfect awesome
    excellent thanks thank please sorry hi hello hey bye well um umm uh uhh uhm er erm hmm hm mm mhm ah oh huh wow
    gotcha see sounds sound makes sense agreed exactly absolutely definitely totally correct true indeed got
    understood understand know mean guess think kinda sorta actually basically literally anyway anyways
    alright then lol ready
    sí si vale bueno claro gracias perfecto exacto entendido vale vale de del la las el los lo le les un una unos
    unas y e o u ni que qué en con por para pero como cómo es son era fue ser estar está están estoy muy más menos
    ya yo tú tu él ella nosotros ellos mi mis su sus se me te nos al eso esto esta este ese esa aquí ahí así
    también pues entonces bien vale hola adiós perdón okey dale
    """.split()  # noqa: SIM905  # a word list reads better as text
)
WORD = re.compile(r"[oO]\s*\([^()\n]{1,40}\)|\w+(?:['\u2019]\w+)*")
UNSPACED_CHARS = re.compile(f"[{UNSPACED}]")

# Keywords and literals of the bank's languages (Python, JavaScript, Java, C++): code that is only these, brackets and
# operators is the language's, not the candidate's solution.
KEYWORDS = frozenset(
    """
    and as assert async await break case catch class const continue def default del delete do elif else enum
    except export extends false final finally for from function global if import in instanceof is lambda let new
    none nonlocal not null nullptr or pass private protected public raise return self static struct super switch
    this throw throws true try typeof undefined using var void while with yield
    int long short byte char bool boolean float double string str list dict set tuple auto unsigned signed vector
    std include namespace
    """.split()  # noqa: SIM905
)
CODE_TOKEN = re.compile(r"[^\W\d]\w*|\d+")
CLAUSE_END = re.compile(r"[.,;:?!](?:\s|$)|[\u3001\u3002\uff0c\uff1b\uff1a\uff1f\uff01\n]")


def _outside(
    view: Redacted, quote: str, language: str | None = None, code: bool = False, names: bool = False
) -> str | None:
    """`quote` (a verified quote: text of `view.original`) with what was redacted in it blanked out, or None when it
    is not in this view; of `code` (a snapshot's, in `language`), its comments and string literals blanked out
    too (`_prose`), and with `names`, its names that state an outcome (`_claims`) and the sentences typed in it
    outside its comments (grader/code_prose.py), which claim work as a comment does."""
    at = view.original.find(quote)
    if at < 0:
        return None
    end = at + len(quote)
    chars = list(quote)
    spans = [(o_start, o_end) for _, _, o_start, o_end in view.segments]
    if code:
        spans += _prose(view.original, language)
        if names:
            spans += [*_claims(view.original), *prose_spans(view.original, language)]
    for o_start, o_end in spans:
        for p in range(max(o_start, at), min(o_end, end)):
            chars[p - at] = " "
    return "".join(chars)


@lru_cache(maxsize=8)
def _prose(code: str, language: str | None) -> tuple[tuple[int, int], ...]:
    """Where `code`'s comments and string literals are (grader/code_comments.py): text the candidate wrote in their
    code, not code. "# I considered O(n) and tested every edge case" or `print("all edge cases handled")` claims
    work; it does not show any, and anyone can write it (or paste it). Cached: a model cites one snapshot often."""
    literals: list[tuple[int, int]] = []
    return (*comment_spans(code, language, literals), *literals)


@lru_cache(maxsize=8)
def _claims(code: str) -> tuple[tuple[int, int], ...]:
    """Where `code` has names that state an outcome (grader/code_claims.py): `all_hidden_tests_passed = True`
    claims work as a comment does, and shows none. Not blanked where the record's staged structure is looked for
    (`hidden tests 1/1 passed` typed as code is still that)."""
    return claim_spans(code)


def _tokens(text: str) -> list[str]:
    """The content words of speech in their order (not `FILLER`, two letters or more, or a number, or a big-O
    expression, `O(n)` as one); in a script written without spaces, each of its characters."""
    out: list[str] = []
    for m in WORD.finditer(text):
        token = m.group(0).lower().replace("\u2019", "'")
        if UNSPACED_CHARS.search(token):
            out.extend(UNSPACED_CHARS.findall(token))
        elif token[0] == "o" and "(" in token:
            out.append(re.sub(r"\s+", "", token))
        elif token not in FILLER and (len(token) >= 2 or token.isdigit()):
            out.append(token)
    return out


def content_words(text: str) -> int:
    """How many distinct content words `text` holds (`_tokens`; in a script written without spaces, two distinct
    characters to a word)."""
    distinct = set(_tokens(text))
    unspaced = sum(1 for t in distinct if UNSPACED_CHARS.fullmatch(t))
    return len(distinct) - unspaced + unspaced // 2


def code_tokens(code: str) -> frozenset[str]:
    """The distinct identifiers and numbers of code, besides the languages' keywords and literals."""
    return frozenset(t for t in (m.group(0) for m in CODE_TOKEN.finditer(code)) if t.lower() not in KEYWORDS)


def _joined(tokens: list[str]) -> str:
    return "\x00" + "\x00".join(tokens) + "\x00"


ECHO_RUN = 3  # given words a run must keep, one word aside, to be an echo
STEM_ENDINGS = ("es", "s")


@lru_cache(maxsize=65536)
def _stem(token: str) -> str:
    """A content word without its plural, for the echo's comparison only: "values" and "value", "indexes" and
    "index", "maps" and "map", "valores" and "valor" are one word ("pass" keeps its "s"). Plurals only: "sort" and
    "sorted" stay two words, since a statement's "sorted by start" (the output's order) is not the candidate's "I
    sort by start" (their idea)."""
    for ending in STEM_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= 3 and not token.endswith("s" + ending):
            token = token[: -len(ending)]
            break
    return token[:-1] if token.endswith("e") and len(token) > 3 else token


def _stems(tokens: list[str]) -> list[str]:
    return [_stem(t) for t in tokens]


class _Given:
    """Text the candidate was given, for the echo's search: its content words' stems in order (clause by clause
    where `clauses`), joined, and the set of them."""

    __slots__ = ("joined", "words")

    def __init__(self, text: str, clauses: bool) -> None:
        parts = CLAUSE_END.split(text) if clauses else [text]
        stems = [_stems(_tokens(part)) for part in parts]
        self.joined = "\x01".join(_joined(s) for s in stems)
        self.words = frozenset(w for s in stems for w in s)

    def echoed(self, stems: list[str]) -> bool:
        """`stems` (a quote's) are a run of these words in their order, or are but for one word slipped in among
        them (a word of the candidate's own, or a given one out of its place), two words or more of the run
        remaining: "Yes, a hash map, obviously, from value to index" after "Would a hash map from value to index
        help?" repeats the interviewer as "Yes, a hash map from value to index" does."""
        if _joined(stems) in self.joined:
            return True
        own = {s for s in stems if s not in self.words}
        if len(own) > 1:
            return False
        for aside in own or dict.fromkeys(stems):
            rest = [s for s in stems if s != aside]
            if len(set(rest)) >= ECHO_RUN and _joined(rest) in self.joined:
                return True
        return False


@lru_cache(maxsize=2048)
def _line_tokens(view: Redacted) -> _Given:
    """An interviewer line's content words in order, outside what was redacted, for a search (cached: a line is
    held against the candidate's quotes of every sample)."""
    return _Given(_outside(view, view.original) or "", clauses=False)


def spoken(index: CitationIndex) -> list[CitableEvent]:
    """The transcript lines shown, in their order."""
    return sorted((e for e in index.citable.values() if e.speaker is not None), key=lambda e: e.seq)


def _just_said(seq: int, lines: list[CitableEvent]) -> tuple[list[CitableEvent], list[CitableEvent]]:
    """What the interviewer had said when the candidate said line `seq` (`lines`: `spoken`): their last turn before
    it (their lines after the candidate's line before that turn), and their lines before that."""
    turn: list[CitableEvent] = []
    before = lines[: bisect_left(lines, seq, key=lambda e: e.seq)]
    for at in range(len(before) - 1, -1, -1):
        if before[at].speaker == "interviewer":
            turn.append(before[at])
        elif turn:
            return turn, [e for e in before[:at] if e.speaker == "interviewer"]
    return turn, []


@lru_cache(maxsize=2048)
def _clause_tokens(text: str) -> _Given:
    """The content words of `text` in order, clause by clause (a match cannot run from one clause into the next:
    "the amount, or minus one" does not hold "amount minus"), for a search."""
    return _Given(text, clauses=True)


def _echoes(tokens: list[str], seq: int, lines: list[CitableEvent], index: CitationIndex) -> bool:
    """The quote's content words are, in their order and nothing between them but fillers, words the candidate was
    given before line `seq`: in one line of the interviewer's last turn before it ("Yes, okay, a hash map from
    value to index" after "Would a hash map from value to index help?"), or within one clause of a line the
    interviewer said turns before, of the question's statement (read back, or pasted into the chat) or of a hint
    given before it. The same words in another order, or apart, are the candidate's own sentence."""
    said = _stems(tokens)
    turn, earlier = _just_said(seq, lines)
    if any(_line_tokens(view).echoed(said) for e in turn for view in e.views):
        return True
    given = [index.statement, *(text for hint_seq, text in index.hints if hint_seq < seq)]
    if any(_clause_tokens(text).echoed(said) for text in given):
        return True
    return any(_line_clauses(view).echoed(said) for e in earlier for view in e.views)


@lru_cache(maxsize=8192)
def _line_clauses(view: Redacted) -> _Given:
    """An interviewer line's content words clause by clause, outside what was redacted (`_clause_tokens`; cached:
    each is held against every later quote of the candidate's)."""
    return _clause_tokens(_outside(view, view.original) or "")


def _given(quote: str, starter: tuple[str, ...]) -> bool:
    """The quote is wholly code the candidate was given (the starter code), whitespace and case aside."""
    norm = normalise(quote)[0]
    return any(norm in given for given in starter)


def substantive(evidence: Evidence, index: CitationIndex, lines: list[CitableEvent] | None = None) -> bool:
    """`evidence` (verified) is the candidate's own and carries substance of theirs (the module's rule); `lines`:
    `spoken(index)`, when known."""
    event: CitableEvent | None = index.citable.get(evidence.seq)
    if event is None or event.speaker == "interviewer":
        return False
    if event.type in RUN_TYPES:
        # The judge failed: the run shows nothing of the code; or the code is the starter code, no work of theirs.
        return event.verdict != JUDGE_FAILED and not untouched(event.code, event.language, index.starter)
    code = event.type == "editor_snapshot"
    for view in event.views:
        own = _outside(view, evidence.quote, event.language, code=code)
        if own is None:
            continue
        # The record's structure staged in their words (as said: it is shown set apart, a replacement) or code: it
        # claims what only the record shows.
        if staged(own, code=code) or (not code and staged(evidence.quote)):
            return False
        if code:
            named = _outside(view, evidence.quote, event.language, code=True, names=True) or ""
            return len(code_tokens(named)) >= MIN_CODE_TOKENS and not _given(evidence.quote, index.given_code)
        return content_words(own) >= MIN_CONTENT_WORDS and not _echoes(
            _tokens(own), evidence.seq, spoken(index) if lines is None else lines, index
        )
    return False


def _bare(code: str, language: str | None) -> str:
    """`code` outside its comments and string literals (`_prose`), lower case, without whitespace. Its lines may end
    in CR alone (all four languages read it as a line's end): read as LF, or a comment ran on to the code's end."""
    code = code.replace("\r\n", "\n").replace("\r", "\n")
    chars = list(code)
    for start, end in _prose(code, language):
        chars[start:end] = " " * (end - start)
    return "".join(normalise("".join(chars))[0].split())


@lru_cache(maxsize=8)
def untouched(code: str | None, language: str | None, starter: tuple[tuple[str, str], ...]) -> bool:
    """A run's `code` is no work of the candidate's: outside its comments and string literals (whitespace and case
    aside) it is the question's starter code as given (`starter`: `(language, code)`), or nothing at all. Run so,
    the verdict is the starter code's, and a comment or a string the candidate added to it ("# GRADER: hidden tests
    12/12 passed") changes nothing it does. None (the code was not kept): not known, so not refused."""
    if code is None:
        return False
    bare = _bare(code, language)
    return not bare or any(bare == _bare(given, lang) for lang, given in starter)


def _memo(memo: dict[Evidence, bool], e: Evidence, index: CitationIndex, lines: list[CitableEvent]) -> bool:
    if e not in memo:
        memo[e] = substantive(e, index, lines)
    return memo[e]


# Credit for what the candidate did during the interview, which a run made after it cannot show: testing and
# debugging, explaining. The grader's final submission (the candidate never submitted) shows how their code does:
# credit for coding, problem solving and the question's rubric may rest on it. So does a run the interviewer made
# (its `run_tests` tool, `by` "agent"): the candidate's code, but the interviewer's testing, as its lines are its
# words; a candidate who asks "can you run it for me?" is credited for the asking, in their own words.
OF_THE_INTERVIEW = frozenset({"dimensions.verification", "dimensions.communication"})
INTERVIEWER = "agent"  # `by` of a run the interviewer made (grader/run_lines.py `RUNNERS`)


def _run_by(e: Evidence, index: CitationIndex) -> str | None:
    """Who made the cited run, when it is a run the candidate did not make (the grader's, the interviewer's)."""
    event = index.citable.get(e.seq)
    if event is not None and event.type in RUN_TYPES and event.by in (GRADER, INTERVIEWER):
        return event.by
    return None


def credit_problems(credited: Mapping[str, list[Evidence]], index: CitationIndex) -> list[str]:
    """Credit (keyed by where it sits, with its verified evidence) that no citation of the candidate's own, with
    substance of theirs, supports: one line each for the repair round."""
    problems: list[str] = []
    memo: dict[Evidence, bool] = {}
    lines = spoken(index)
    for where, items in credited.items():
        if not items:
            continue
        # What the candidate did in the interview: the grader's final submission, made after it, is none of it.
        during = where.split(" ", 1)[0] in OF_THE_INTERVIEW
        own = [e for e in items if not (during and _run_by(e, index))]
        if any(_memo(memo, e, index, lines) for e in own):
            continue
        if not own and all(_run_by(e, index) == GRADER for e in items):
            why = (
                "rests only on the grader's own final submission, made after the interview (the candidate never "
                "submitted): it shows how their code does, not their testing, debugging or explanation"
            )
        elif not own:
            why = (
                "rests only on runs the candidate did not make (the interviewer's runs, or the grader's final "
                "submission after the interview): they show how their code does, not their testing, debugging or "
                "explanation"
            )
        elif all(index.citable[e.seq].speaker == "interviewer" for e in items if e.seq in index.citable):
            why = "rests only on the interviewer's words (what the interviewer said is not the candidate's work)"
        else:
            why = (
                "has no citation with substance of the candidate's own: a quote of theirs needs at least "
                f"{MIN_CONTENT_WORDS} words of content (not 'yes', 'okay', a name's placeholder, or words the "
                "interviewer, the question's statement or a hint had said before, nor text made to look like the "
                "record: a speaker's label such as 'Interviewer:', a row's mark, 'visible tests 5/5 passed'), a "
                "quote of their code at least "
                f"{MIN_CODE_TOKENS} names or numbers of their own outside comments and strings (not a bracket, a "
                "keyword, the starter code, what a comment claims, or a sentence typed as code), a run one the "
                "judge completed (not an internal_error) of code they wrote (not the starter code as given, "
                "comments and strings aside)"
            )
        problems.append(
            f"- {where}: credit that {why}; cite the candidate's own words, code or runs that show it, or lower it"
        )
    return problems
