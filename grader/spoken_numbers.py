"""Phone numbers said in words or digits, as speech-to-text writes them ("five five five, one two three four",
"plus four four seven nine ...", "dieciocho quince", "zéro six un deux"): the run of digits (`NUMBER_RUN`), the
contact cue that may come before it (`PHONE_CUE`), and whether a run is a phone number (`spoken_phones`,
`cued_phones`).

Split out of grader/spoken.py (the other contact details said in words), since grader/phone_forms.py,
grader/phone_lines.py and grader/french_numbers.py read numbers with these too. What decides:
- a phone number is a run of digits (numerals, digit words, "oh", "double five") joined by spaces, dashes, dots,
  brackets or commas: nine digits or more; seven or more when read out digit by digit in words, or after a contact
  cue in the same sentence ("call me", "my number is", "phone", "cell", "mi teléfono", "llámame al"); numbers said in
  tens only after a cue ("ten, twenty, thirty" is a list); unless, without a cue, it is a count
  (consecutive or repeated digits) or bits (only zeros and ones), or it is a list (one number per comma);
  a quantity ("1,000,000") or a decimal stays.
"""

from __future__ import annotations

import itertools
import re

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


def said_digits(run: str) -> int:
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
