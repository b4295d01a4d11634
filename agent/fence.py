# ruff: noqa: RUF002, RUF003  # look-alike characters (of "<", of letters) are what this module reads
"""Untrusted content as delimited data: code, transcripts, the résumé and the job description reach the model
only inside a fenced block in user or tool content, never in a system message.

The markers carry a per-interview random nonce. Content must hold nothing that reads as one of our markers, so that
it cannot close its own block and pose as instructions (a `# SYSTEM OVERRIDE` comment stays a comment):

- any occurrence of the nonce is removed ("[not shown]");
- text in the shape of a marker's opening, "<<<BEGIN" or "<<<END" (whatever tag and code follow, made up or
  guessed), is broken apart with letters ("<<<[not a marker]END"), so that it reads as no marker at all, whatever
  the model makes of codes. Letters, not punctuation: a reader skips punctuation, and takes "\\<" for "<".

Both are found in the text as a reader takes it in (``_readings``), not as it is encoded: a model reads "𝐄𝐍𝐃",
"E\\u200bND", "ＥＮＤ", "ᴱᴺᴰ", "ᴇɴᴅ", "ЕND" (Cyrillic Е), "ᎬNᎠ" (Cherokee), "∃ND", "EИD", "*E*N*D*", "E\\N\\D", "ENcl",
"🔚" and "‹‹‹", "≺≺≺", "⩽⩽⩽", "◁◁◁", "&lt;&lt;&lt;", "&amp;lt;", "%3C", "=3C", "\\u003c", "\\x3c" or CSS's "\\3c "
(escapes of any kind, in layers), "PDw8RU5E" or "3c3c3c454e44" (base64, hexadecimal), `"<<" "<END"` (string literals
the language joins), "3ND" and "B3G1N" (digits for letters) as "END" and "<<<", and a nonce written in mathematical
bold, circled or superscript characters, in another script's digits ("٣"), encoded, with spaces or punctuation
between its characters, or said in words, as the nonce. What reads as what is derived, not listed
(agent.lookalikes): NFKD, each character's digit value, the Latin letter its Unicode name says it is, the symbols
whose name says "<" ("LESS-THAN", "PRECEDES", a left angle or left-pointing triangle), Unicode's confusables
(through a prototype read by its name: "∃" is confused with "Ǝ", a reversed E). Text is also read with HTML tags and
comments dropped, with characters this Python's Unicode data does not know (later versions' letters and digits) as
any letter, with unseen tag characters as the ASCII they mirror, with escapes as written ("<<<%BEGIN": "%BE" decoded
would hide BEGIN), and backwards when a bidirectional control may draw it so. Only what is found is changed: other
text (accented letters, "List<List<int>>", "x << 2", "<<EOF", "&lt;div&gt;", "\\x41", base64 that decodes to no
text, C++'s `cout << " " << endl` and `cout << "<" << endl`, where a string of code stands between two stream
operators) reaches the model as written.
"""

from __future__ import annotations

import functools
import re
import secrets

from agent.fence_decode import CSS_CUE, TAG, Spans, decoded, encoded, joined, own
from agent.invisible import shown
from agent.lookalikes import char_kind, fold
from agent.payloads import clean_text


def new_nonce() -> str:
    """Twelve hex digits (``_REMOVED`` relies on the nonce being hex)."""
    return secrets.token_hex(6)


def fence(kind: str, body: str, nonce: str) -> str:
    """``body`` between ``<<<BEGIN KIND nonce>>>`` and ``<<<END KIND nonce>>>`` markers, with text hidden in
    invisible characters shown as "[hidden text]" (agent.invisible)."""
    tag = f"{kind.upper()} {nonce}"
    text = clean_text(body)
    readings = _readings(text)
    removed = _remove_nonce(text, nonce, readings)
    # Then text hidden in invisible characters as "[hidden text]" (agent.invisible), which joins nothing: letters.
    safe = shown(_break_markers(removed, readings if removed is text else None))
    return f"<<<BEGIN {tag}>>>\n{safe}\n<<<END {tag}>>>"


def reads_as_marker(text: str) -> bool:
    """Whether ``text`` holds anything read as the opening of one of our markers ("<<<END", "ᐸᐸᐸEND"), which
    ``fence`` would break apart: a short value that must reach the model exactly as given (a name) is refused for it."""
    return _break_markers(text) != text


_NOT_PLAIN = re.compile(r"[^\s!-~]")  # what folds to other than itself in lower case
# In the folded text, a character this Python's Unicode data (``unicodedata.unidata_version``) does not know: a
# letter, digit or mark of a later version (Unicode 15 to 17 added Latin, Cyrillic modifier letters and several
# scripts' digits). It is read both ways: as nothing (``_folded``) and as any one letter or digit (``wild``).
# clean_text replaces NUL, and fold drops controls: the folded text holds it for nothing else.
_UNKNOWN = "\x00"


def _folded(
    reading: tuple[str, Spans],
    wild: bool = False,
    symbols: bool = False,
    smuggled: bool = False,
) -> tuple[str, Spans, set[str]]:
    """A reading of the text (``decoded``, ``encoded``, ``joined``: what it reads, the span of the text each of its
    characters comes from) folded (``fold``), with the spans, and the kinds of character (``char_kind``) it holds. A
    character this Python's Unicode data does not know reads as ``_UNKNOWN`` if ``wild``, otherwise as nothing; a
    symbol read as a letter as a space if ``symbols``; a tag character as the ASCII character it mirrors if
    ``smuggled``, otherwise as nothing."""
    read, spans = reading
    kinds: set[str] = set()
    parts: list[str] = []
    resized: list[tuple[int, int]] = []  # where a character folds to other than one: its index, its length
    done = 0
    # Plain ASCII folds to lower case: only the rest is read one by one.
    for m in _NOT_PLAIN.finditer(read):
        k = m.start()
        c = read[k]
        part = fold(c)
        if kind := char_kind(c):
            kinds.add(kind)
            if kind == "unknown" and not part:
                part = _UNKNOWN if wild else ""
            elif kind == "symbol" and symbols:
                part = " "
            elif kind == "tag" and smuggled:
                part = chr(ord(c) - 0xE0000).lower()
        parts += [read[done:k].lower(), part]
        if len(part) != 1:
            resized.append((k, len(part)))
        done = k + 1
    parts.append(read[done:].lower())
    if not resized:
        return "".join(parts), spans, kinds
    into: list[tuple[int, int]] = []
    done = 0
    for k, size in resized:
        into += own(done, k) if spans is None else spans[done:k]
        into += [(k, k + 1) if spans is None else spans[k]] * size
        done = k + 1
    into += own(done, len(read)) if spans is None else spans[done:]
    return "".join(parts), into, kinds


def _span(spans: Spans, start: int, end: int) -> tuple[int, int]:
    """The span of the text that ``folded[start:end]`` comes from (read backwards, the first comes last)."""
    if spans is None:
        return start, end
    (a, b), (c, d) = spans[start], spans[end - 1]
    return min(a, c), max(b, d)


# Bidirectional controls that draw what follows right to left: text written backwards ("DNE>>>") shows as a marker.
_RIGHT_TO_LEFT = re.compile("[\u202b\u202e\u2067\u200f\u061c]")


Reading = tuple[str, Spans, bool]


def _lt(c: str) -> bool:
    """Whether ``c`` reads as "<" (or several)."""
    return c == "<" or (not c.isascii() and "<" in fold(c))


def _within(outer: Spans, inner: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of the text of a reading (``inner``) of a reading (whose spans are ``outer``)."""
    return inner if outer is None else [(outer[a][0], outer[b - 1][1]) for a, b in inner]


def _readings(text: str) -> list[Reading]:
    """Each way ``text`` may be read: decoded (``decoded``) and folded; with unknown characters as any letter; with
    HTML tags dropped; with symbols read as letters skipped; with tag characters as ASCII; with a backslash and hex
    digits as CSS's escape; with its escapes as written ("<<<%BEGIN" is no "<<<¾GIN" to a reader); with base64 and
    hexadecimal decoded; with adjacent string literals joined; backwards ("<" and ">" alike), when a bidirectional
    control may draw it so. The flag: read backwards."""
    plain = decoded(text)
    folded, spans, kinds = _folded(plain)
    out: list[Reading] = [(folded, spans, False)]
    wild = "unknown" in kinds
    if wild:
        out.append((*_folded(plain, wild=True)[:2], False))
    if TAG.search(text):
        out.append((*_folded(decoded(text, tags=True), wild=wild)[:2], False))
    if "symbol" in kinds:
        out.append((*_folded(plain, wild=wild, symbols=True)[:2], False))
    if "tag" in kinds:
        out.append((*_folded(plain, wild=wild, smuggled=True)[:2], False))
    if CSS_CUE.search(text):
        out.append((*_folded(decoded(text, css=True), wild=wild)[:2], False))
    if plain[0] != text:
        out.append((*_folded((text, None), wild=wild)[:2], False))
    # Bytes and literals of the text decoded: `"\x3c<" "<END"` is joined too.
    for found in (encoded(plain[0], _lt), joined(plain[0], _lt)):
        if found is not None:
            found_read, inner = decoded(found[0])  # base64 of "&lt;&lt;&lt;END"
            found_spans = found[1] if inner is None else _within(found[1], inner)
            out.append((*_folded((found_read, _within(plain[1], found_spans)), wild=wild)[:2], False))
    if _RIGHT_TO_LEFT.search(text):
        for read, read_spans, _ in list(out):
            if read_spans is None:
                read_spans = own(0, len(read))
            out.append((read[::-1].replace(">", "<"), read_spans[::-1], True))
    return out


# Written in the nonce's place: letters that are not hex digits (nor "o", "l", "i", read as "0" and "1") at both ends,
# so that no nonce can be read across it with what is written around it.
_REMOVED = "[not shown]"
# What is read as each character of a nonce, but for itself: "O" as "0"; "l", "I" and "|" as "1"; "cl" as "d";
# the digit or letter said or spelled out (a nonce the model spoke, typed or said back: "a one bee two"), in English,
# Spanish, German, French and Portuguese (accents folded: "fünf" is "funf") and the phonetic alphabet; and a character
# this Python does not know (``_UNKNOWN``) as any. Between two: anything but letters and digits.
_U = r"\x00"  # _UNKNOWN in a pattern
_SAID = {
    "0": "zero cero oh null",
    "1": "one uno una eins ein un une um",
    "2": "two dos zwei deux dois duas",
    "3": "three tres drei trois",
    "4": "four cuatro vier quatre quatro",
    "5": "five cinco funf fuenf cinq",
    "6": "six seis sechs",
    "7": "seven siete sieben sept sete",
    "8": "eight ocho acht huit oito",
    "9": "nine nueve neun neuf nove",
    "a": "alpha alfa",
    "b": "bravo bee be",
    "c": "charlie cee see sea ce",
    "d": "delta dee de",
    "e": "echo ee",
    "f": "foxtrot eff efe effe ef",
}
# A line's number in the code's view (agent/code_view.py: "12| ") is no part of what the line says: a gap.
_LINE = r"\n[ \t]*+[0-9]++\|"
_NOT_ALNUM = rf"(?:{_LINE}|[^0-9a-z{_U}])*+"
_NOT_ALNUM_NOR_BAR = rf"(?:{_LINE}|[^0-9a-z|{_U}])*+"
_ONE = rf"(?:{_NOT_ALNUM}[1li{_U}]|{_NOT_ALNUM_NOR_BAR}\|)"
# At most this many characters of a nonce may be unknown ones: a run of new emoji is no nonce.
_MOST_UNKNOWN = 6


def _nonce_slot(c: str, first: bool) -> str:
    """What reads as the nonce's character ``c``, after what may sit between it and the one before."""
    seen = {"0": "0o", "1": "1li"}.get(c, re.escape(c))
    said = "|".join(_SAID.get(c, "").split())
    slot = f"(?:[{seen}{_U}]|{said})" if said else f"[{seen}{_U}]"
    if c == "d":
        slot = f"(?:{slot}|c{_ONE})"
    gap = "" if first else _NOT_ALNUM
    if c == "1":
        return f"(?:{gap}{slot}|{'' if first else _NOT_ALNUM_NOR_BAR}\\|)"
    return gap + slot


@functools.lru_cache(maxsize=64)
def _nonce_pattern(nonce: str) -> re.Pattern[str]:
    # Possessive: a long run of punctuation after a nonce character is not tried again at each length.
    chars = [c for c in fold(nonce) if c.isalnum()]
    return re.compile("".join(_nonce_slot(c, at == 0) for at, c in enumerate(chars)))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _remove_nonce(text: str, nonce: str, readings: list[Reading] | None = None) -> str:
    """``text`` with every occurrence of ``nonce`` as read (``_readings``: in any case, form or script, encoded, with
    anything but letters and digits between its characters) replaced."""
    pattern = _nonce_pattern(nonce)
    found: list[tuple[int, int]] = []
    for folded, spans, _ in _readings(text) if readings is None else readings:
        m = pattern.search(folded)
        while m is not None:
            if m.group().count(_UNKNOWN) > _MOST_UNKNOWN:
                m = pattern.search(folded, m.start() + 1)
                continue
            start, end = _span(spans, m.start(), m.end())
            found.append((start, end))
            m = pattern.search(folded, m.end())
    if not found:
        return text
    out, done = [], 0
    for start, end in _merged(found):
        out += [text[done:start], _REMOVED]
        done = end
    return "".join(out) + text[done:]


# The opening of one of our markers as read: three "<" or more (``_RUN``), then BEGIN or END (``_OPENS``), with
# anything but letters and digits (spaces, punctuation, symbols, backslashes: "<<<*END*", "<<</END", "<<<\END",
# "<<‹E⁄N⁄D", what a reader skips) anywhere between them; the "I" of BEGIN may be written "l", "1" or "|", and the "D"
# of END "cl" (what they are confused with); a character this Python does not know may stand for any letter. A run
# of "<" is matched whole, once, and so is each gap (possessive: a long run tried again from each of its "<" took
# seconds for 8,000 of them); a run ends where no "<" follows before a letter or digit, so what follows it up to
# BEGIN or END is looked at once. A gap between two "<" of a run holds one quotation mark at most: one with two
# holds a string of code between them, not what a reader skips (C++'s `cout << " " << endl`, `os << ", " << x`), and
# the run ends there. The letters may be written as digits a reader takes for them ("3ND", "B3G1N", "8EG1N", "BE6IN").
_GAP = rf"(?:{_LINE}|[^\w{_U}]|_)*+"
_GAP_AT = re.compile(_GAP)
_RUN_GAP = rf"(?:{_LINE}|[^<\w{_U}\"'`]|_)*+"
_RUN = re.compile(rf"<(?:{_RUN_GAP}(?:[\"'`]{_RUN_GAP})?+<)*+")
_I = rf"(?:{_GAP}[il1{_U}]|(?:{_LINE}|[^|\w{_U}]|_)*+\|)"
_W = {c: f"{_GAP}[{c}{read}{_U}]" for c, read in (("b", "8"), ("e", "3"), ("g", "69"), ("n", ""))}
_D = rf"(?:{_GAP}[d{_U}]|{_GAP}c{_I})"
_LETTER = re.compile(rf"[0-9a-z{_U}]")
_OPENS = re.compile(f"(?:{_W['b']}{_W['e']}{_W['g']}{_I}{_W['n']}|{_W['e']}{_W['n']}{_D})")
# Written after the last "<" of a marker-shaped opening: letters, which no gap crosses ("<<<[not a marker]END"), and
# neither a hex digit nor "o", "l" or "i" at either end, so that it adds nothing to a nonce written around it.
_BREAK = "[not a marker]"


# A string of code that is the operand of two stream operators (`cout << "<" << endl`, `os << '<<' << x`, also
# adjacent ones: `<< "a" "<" <<`): what the program prints between two "<<", not a gap a reader skips. A run of "<"
# ends at its closing quote (read as a letter, ``_operands_closed``), so the "<"s before it and inside it and those
# after it are counted apart: the "<"s of `<"<"<END` (no stream operators) are still one run, and so are those of
# `<<<"END" << x`.
_OPERAND = re.compile(r"""<<\s*+(?:(["'`])(?:(?!\1)[^\\\n]|\\.)*+\1\s*+)++(?=<<)""")


def _operands_closed(folded: str, text: str, spans: Spans) -> str:
    """``folded`` (a reading of ``text``) with the closing quote of each operand of two stream operators read as a
    letter. The operators are written as code writes them: a look-alike ("‹‹'‹'‹‹END") is no operator."""

    def written(k: int) -> bool:
        start, end = _span(spans, k, k + 1)
        return text[start:end] == "<" or end - start > 1  # "<", or an escape of it

    closing = [
        folded.rindex(m.group(1), m.start(), m.end())
        for m in _OPERAND.finditer(folded)
        if all(written(k) for k in (m.start(), m.start() + 1, m.end(), m.end() + 1))
    ]
    if not closing:
        return folded
    parts, done = [], 0
    for k in closing:
        parts += [folded[done:k], "q"]
        done = k + 1
    return "".join(parts) + folded[done:]


def _break_markers(text: str, readings: list[Reading] | None = None) -> str:
    """``text`` with ``_BREAK`` after the last "<" of each marker-shaped opening, however it reads (``_readings``)."""
    at: set[int] = set()
    for read, spans, backwards in _readings(text) if readings is None else readings:
        folded = _operands_closed(read, text, spans)
        # The gap after a run is read once: runs with no letter between them ("<<'<'<<'<'..." over 40,000 characters
        # took 14 s) share it, and a gap read from inside another ends where that one does (none of its characters
        # starts a line's number, which holds no "<"), and so does what is read after it.
        gap = (-1, -1)
        word: re.Match[str] | None = None
        for m in _RUN.finditer(folded):
            if m.group().count("<") < 3:
                continue
            if not gap[0] <= m.end() <= gap[1]:
                gap_end = _GAP_AT.match(folded, m.end())
                gap = (m.end(), gap_end.end() if gap_end is not None else m.end())
                word = _OPENS.match(folded, gap[1])
            if word is None:
                continue
            # As for a nonce, more than half of its letters unknown is no word: a regular expression's escaped ranges
            # of unassigned code points ("«-±˂-˅\\u0378\\u0379;\\u0380") are no "<<<END".
            if 2 * word.group().count(_UNKNOWN) > len(_LETTER.findall(word.group())):
                continue
            start, end = _span(spans, m.end() - 1, m.end())  # what reads as the "<" next to BEGIN or END
            at.add(start if backwards else end)
    if not at:
        return text
    out, done = [], 0
    for k in sorted(at):
        out += [text[done:k], _BREAK]
        done = k
    return "".join(out) + text[done:]


_BEGIN = re.compile(r"<<<BEGIN ([A-Z][A-Z ]*? [0-9a-f]+)>>>")


def cut(text: str, limit: int) -> str:
    """``text`` kept to its first ``limit`` characters (and a note), with every block the cut left open closed
    again, so that a shortened copy (a tool output in the event log, restored on resume) never leaves content
    outside its fence. Content cannot hold our markers: the nonce is removed from it."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    still_open = [
        m.group(1) for m in _BEGIN.finditer(head) if f"<<<END {m.group(1)}>>>" not in head[m.end() :]
    ]
    closing = "".join(f"\n<<<END {tag}>>>" for tag in reversed(still_open))
    return f"{head}\n… [{len(text) - limit} more characters not kept]{closing}"
