"""Gendered words in what the candidate and the interviewer said or wrote in comments (pronouns, honorifics,
family and gendered nouns, roles and groups named by gender: "chairwoman", "waitress", "sorority"), as the neutral
placeholders the grading model reads instead ("as a mother of two" ->
"as a [parent] of two", "yes, ma'am" -> "yes, [title]").

The placeholders keep the sentence's meaning for the assessment: a father node is still a `[parent]` node and a
sister node a `[sibling]`. Words are matched in the redactor's matching form (grader/redact.py: accents and
invisible characters left out), as whole words, in any case, except abbreviated honorifics, which are matched only
as written (`Mr`, `Mrs`, `Ms`; `Miss` not opening a sentence), since `ms`, `MR` and "a cache miss" are technical.
A word the question's own statement uses (`man` in "A man, a plan, a canal: Panama") is the problem's vocabulary
and stays. English, and the commonest Spanish pronouns (`él` matched with its accent: without it, it is the article),
titles and family words (the agent speaks both); gender in grammar (Spanish adjective endings, "la", "los") is not
changed. English "he" and "son" are Spanish words too ("I have", "they are"): not replaced in a Spanish sentence.
"""

from __future__ import annotations

import re

# placeholder -> the words it stands for, in the matching form (lower case, no accents).
NEUTRAL: dict[str, tuple[str, ...]] = {
    "[they]": ("he", "she", "ella", "ellas"),
    "[we]": ("nosotras",),  # "we" said by women only
    "[you]": ("vosotras",),
    "[them]": ("him",),
    "[their]": ("his",),
    "[them/their]": ("her",),
    "[theirs]": ("hers",),
    "[themself]": ("himself", "herself"),
    "[title]": (
        "sir", "ma'am", "maam", "madam", "mister", "missus", "senor", "senora", "senorita",
    ),
    "[titles]": ("sirs", "madams", "senores", "senoras"),
    "[person]": (
        "man", "woman", "guy", "gal", "lady", "gentleman", "boy", "girl", "male", "female", "lad", "lass",
        "transwoman", "transman", "hombre", "mujer", "chica", "chico", "caballero", "dama",
    ),
    "[people]": (
        "men", "women", "guys", "gals", "ladies", "gentlemen", "boys", "girls", "males", "females", "lads",
        "lasses", "transwomen", "transmen", "hombres", "mujeres", "chicas", "chicos", "caballeros", "damas",
    ),
    "[parent]": ("mother", "father", "mom", "mum", "mommy", "mummy", "dad", "daddy", "mama", "papa", "mami", "papi",
                 "madre", "padre"),
    "[parents]": ("mothers", "fathers", "moms", "mums", "dads", "mamas", "madres"),
    "[child]": ("son", "daughter", "hijo", "hija"),
    "[children]": ("sons", "daughters", "hijas", "hijos"),
    "[sibling]": ("brother", "sister", "sis", "hermano", "hermana"),
    "[siblings]": ("brothers", "sisters", "hermanas", "hermanos"),
    "[partner]": ("wife", "husband", "hubby", "wifey", "boyfriend", "girlfriend", "fiance", "fiancee", "esposa",
                  "esposo", "marido", "novia", "novio"),
    "[partners]": ("wives", "husbands", "boyfriends", "girlfriends"),
    # Step-, half- and grand- family, and in-laws (`mother-in-law` is matched as its first word, `mother`).
    "[relative]": ("aunt", "uncle", "niece", "nephew", "grandmother", "grandfather", "grandma", "grandpa", "granny",
                   "granddad", "grandad", "grandson", "granddaughter", "stepmother", "stepfather", "stepmom",
                   "stepmum", "stepdad", "stepson", "stepdaughter", "stepbrother", "stepsister", "abuela",
                   "abuelo", "tia", "tio", "sobrina", "sobrino", "nieta", "nieto", "suegra", "suegro",
                   "cunada", "cunado"),
    "[relatives]": ("aunts", "uncles", "nieces", "nephews", "grandmothers", "grandfathers", "grandmas", "grandpas",
                    "grannies", "granddads", "grandads", "grandsons", "granddaughters", "stepsons", "stepdaughters",
                    "stepbrothers", "stepsisters", "abuelas", "abuelos", "tias", "tios", "sobrinas",
                    "sobrinos", "nietas", "nietos", "suegros"),
    # Roles and groups named by gender.
    "[chair]": ("chairman", "chairwoman"),
    "[spokesperson]": ("spokesman", "spokeswoman"),
    "[businessperson]": ("businessman", "businesswoman"),
    "[businesspeople]": ("businessmen", "businesswomen"),
    "[salesperson]": ("salesman", "saleswoman"),
    "[actor]": ("actress",),
    "[actors]": ("actresses",),
    "[server]": ("waitress",),
    "[servers]": ("waitresses",),
    "[host]": ("hostess",),
    "[widowed]": ("widow", "widower", "viuda", "viudo"),
    "[society]": ("sorority", "fraternity"),
    "[societies]": ("sororities", "fraternities"),
    "[parental]": ("maternity", "paternity", "motherhood", "fatherhood", "maternidad", "paternidad"),
    # A gender identity said of oneself ("I'm transgender"): as personal as a pregnancy, and no evidence. Not
    # "nonbinary" or "non-binary": "a non-binary tree" is the code's.
    "[personal]": ("pregnant", "pregnancy", "embarazada", "embarazo", "transgender", "cisgender", "genderqueer",
                   "genderfluid", "agender", "transgenero"),
}  # fmt: skip
# French and German, as a candidate may say or type them in their own language (2026-12-06, graderI6): the nouns and
# the pronoun "elle"; not "il", "er", "sie" (also "it", a filler, "they"), "Mann" (`Mann-Whitney`), nor the forms that
# are English words in the matching form ("mère" is "mere", "Männer" "manner", "employée" "employee").
_FRENCH_AND_GERMAN: dict[str, tuple[str, ...]] = {
    "[they]": ("elle", "elles"),
    "[title]": ("madame", "monsieur", "mademoiselle", "mesdames", "messieurs", "herr"),
    "[person]": ("femme", "homme", "garcon", "frau"),
    "[people]": ("femmes", "hommes", "frauen"),
    "[parent]": ("pere", "maman", "mutter", "vater", "mutti", "vati"),
    "[child]": ("fils", "fille", "tochter", "sohn"),
    "[sibling]": ("soeur", "frere", "schwester", "bruder"),
    "[partner]": ("epouse", "epoux", "mari", "ehefrau", "ehemann", "freundin", "copine", "copain"),
    "[parental]": ("maternite", "paternite", "mutterschaft", "vaterschaft", "mutterschutz"),
    "[personal]": ("enceinte", "grossesse", "schwanger", "schwangerschaft"),
    # A role named in its feminine form ("ich bin Entwicklerin", "je suis développeuse"; the masculine is also the
    # generic one, and stays).
    "[developer]": ("entwicklerin", "softwareentwicklerin", "programmiererin", "developpeuse", "programmeuse"),
    "[engineer]": ("ingenieurin", "softwareingenieurin", "ingenieure"),
    "[computer scientist]": ("informatikerin", "informaticienne"),
    "[student]": ("studentin", "werkstudentin", "etudiante", "doktorandin", "doctorante"),
    "[intern]": ("praktikantin",),
    "[graduate]": ("absolventin", "diplomee"),
    "[architect]": ("architektin",),
    "[designer]": ("designerin", "conceptrice"),
    "[consultant]": ("beraterin", "consultante"),
    "[lead]": ("leiterin", "teamleiterin", "directrice", "cheffe", "chefin"),
    "[colleague]": ("kollegin",),
    "[employee]": ("mitarbeiterin",),
    "[researcher]": ("forscherin", "wissenschaftlerin", "chercheuse"),
    "[teacher]": ("lehrerin", "enseignante", "professorin"),
    "[founder]": ("grunderin", "fondatrice"),
    "[analyst]": ("analystin",),
    "[beginner]": ("anfangerin", "debutante"),
}  # fmt: skip
# Spanish roles in their feminine form, by the same rule (2026-12-07: "soy programadora", "trabajo como
# ingeniera" had reached the model as said, while "je suis développeuse" had not). The masculine is the generic one
# and stays; not "candidata", "empleada" nor "maestra" ("la solución candidata", "la estructura empleada", "la rama
# maestra": adjectives of code), nor "consultora" (a firm), and not the article or adjective endings around them.
_SPANISH_ROLES: dict[str, tuple[str, ...]] = {
    "[developer]": ("programadora", "desarrolladora"),
    "[developers]": ("programadoras", "desarrolladoras"),
    "[engineer]": ("ingeniera",),
    "[engineers]": ("ingenieras",),
    "[student]": ("alumna", "doctoranda"),
    "[intern]": ("becaria",),
    "[lead]": ("jefa",),
    "[researcher]": ("investigadora",),
    "[teacher]": ("profesora",),
    "[designer]": ("disenadora",),
    "[founder]": ("fundadora",),
    "[beginner]": ("novata",),
}  # fmt: skip
for _placeholder, _words in (*_FRENCH_AND_GERMAN.items(), *_SPANISH_ROLES.items()):
    NEUTRAL[_placeholder] = (*NEUTRAL.get(_placeholder, ()), *_words)
PLACEHOLDER: dict[str, str] = {word: placeholder for placeholder, words in NEUTRAL.items() for word in words}
# Abbreviated honorifics, matched only as written: `ms` is milliseconds, `MR` a merge request.
TITLES = ("Mr", "Mrs", "Ms", "Sra", "Srta")
# An honorific only capitalised and not opening a sentence ("a cache miss", "Miss a step and ...").
MISS = "Miss"
TITLE = "[title]"
# Spanish "él" (he): without its accent it is the article "el", which the matching form would make of it, so it is
# matched as written, its accent precomposed or combining.
ACCENTED_HE = r"(?<!\w)(?:\u00e9|e\u0301)l(?!\w)"
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


# English gendered words that are everyday Spanish words: "he" (I have: "he probado"), "son" (they are: "los índices
# son 0 y 1"). The agent interviews in both languages, and a Spanish transcript had every "son" as "[child]". They are
# replaced only where the sentence around them does not read as Spanish (``reads_as_spanish``).
SPANISH_HOMOGRAPHS = frozenset({"he", "son"})
# Function words of one language that are not words of the other (in the matching form: lower case, no accents).
_SPANISH = frozenset({
    "que", "los", "las", "el", "la", "del", "es", "en", "un", "una", "por", "para", "con", "mi", "tu", "su", "lo",
    "se", "pero", "como", "yo", "este", "esta", "esto", "estos", "hay", "ya", "muy", "mas", "tambien", "porque",
    "cuando", "donde", "ha", "han", "has", "hemos", "tengo", "tiene", "puedo", "creo", "vale", "bueno", "entonces",
    "ahora", "aqui",
})  # fmt: skip
_ENGLISH = frozenset({
    "the", "and", "is", "are", "of", "to", "it", "that", "this", "my", "was", "she", "with", "for", "on", "you", "we",
    "they", "have", "but", "what", "if", "then", "so", "can", "would", "will", "just", "think",
})  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?\n]")
_AROUND = 120  # characters read on each side of the word, within its sentence


def reads_as_spanish(text: str, start: int, end: int) -> bool:
    """Whether the sentence around ``text[start:end]`` has more Spanish function words than English ones."""
    before = text[max(0, start - _AROUND) : start]
    after = text[end : end + _AROUND]
    ends = list(_SENTENCE_END.finditer(before))
    before = before[ends[-1].end() :] if ends else before
    if m := _SENTENCE_END.search(after):
        after = after[: m.start()]
    words = [w.lower() for w in WORD.findall(f"{before} {after}")]
    return sum(w in _SPANISH for w in words) > sum(w in _ENGLISH for w in words)


def kept_words(vocabulary: str) -> frozenset[str]:
    """The gendered words of the question's own text (its statement), which stay where the candidate uses them."""
    return frozenset(w.lower() for w in WORD.findall(vocabulary) if w.lower() in PLACEHOLDER)


def placeholder(word: str) -> str:
    """The neutral placeholder of a matched gendered word (in the matching form, any case)."""
    return PLACEHOLDER.get(word.lower(), TITLE)
