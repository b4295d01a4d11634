"""Success reported as someone's word, not the grader's finding, for grader/claim_success.py.

What someone said, thought or asked ("The candidate said the code was correct"), and the words that take a report
up as the grader's own ("as the candidate said", "It was.")."""

from __future__ import annotations

import re

# Said as what someone said, thought or asked, not as the grader's finding: "The candidate said the code was correct",
# "They believed the solution worked", "was confident that it passed", "asked whether the code was correct", "It is
# unclear whether the final code works", "Dijo que su código funcionaba", "creyó que su solución era correcta". Only
# verbs that leave it open (not "showed", "proved", "confirmed", "knew", "found": those make it a fact), and only
# where the verb governs the claim: nothing between them but words ("After they said they were done, the code
# passed" is the grader's). Taken up by the sentence it is the grader's again (`ENDORSED`).
REPORTED = re.compile(
    r"\b(?:said|says|claim(?:s|ed)|stat(?:ed|es)|assert(?:s|ed)|insist(?:s|ed)|believ(?:e|es|ed|ing)|thought"
    r"|thinks?|assum(?:e|es|ed|ing)|felt|feels?|guess(?:es|ed)|hop(?:es|ed)|suspect(?:s|ed)|wonder(?:s|ed)"
    r"|announc(?:es|ed)|declar(?:es|ed)|argu(?:es|ed)|maintain(?:s|ed)|told\s+(?:the\s+)?\w+|whether"
    r"|(?:impression|belief|assumption|claim|expectation)\s+that"
    r"|(?:was|were|is|are|felt|seemed|sounded)\s+(?:very\s+|quite\s+|fully\s+)?(?:confident|sure|certain"
    r"|convinced|adamant|positive)"
    r"|dijo|dice|decia|afirm(?:o|a|aba)|asegur(?:o|a|aba)|cre(?:yo|ia|e)|pens(?:o|aba)|supon(?:ia|e)|supuso"
    r"|asumi(?:o|a)|sostuvo|insisti(?:o|a)|declaro|(?:estaba|estaban)\s+(?:muy\s+)?(?:segur|convencid)[oa]s?)\b",
    re.IGNORECASE,
)
# A report said beside its claim, not before it: "It works, the candidate said.", "The code, they claimed, was
# correct.", "\"My code works,\" she said.", "according to the candidate", "in their words", "según ella" (not
# "The code passed, they said nothing.": no report of it; nor "according to the judge").
_REPORTER = r"(?:(?:the|their|our)\s+(?:[\w-]+\s+)?(?:candidate|interviewee|applicant|engineer|developer)|they|she|he)"
_REPORT_VERB = (
    r"(?:said|says|claim(?:s|ed)|stat(?:ed|es)|assert(?:s|ed)|insist(?:s|ed)|believ(?:es|ed)|thought|thinks|felt"
    r"|feels|guess(?:es|ed)|argu(?:es|ed)|maintain(?:s|ed)|announc(?:es|ed)|declar(?:es|ed)|dijo|afirm(?:o|a)"
    r"|asegur(?:o|a)|cre(?:ia|e|yo)|pens(?:aba|o))"
)
REPORTED_BESIDE = re.compile(
    rf"(?:[,(\u2014\u2013]|[\"\u201d'])\s*(?:{_REPORTER}\s+(?:(?:also|later|then|confidently|repeatedly|proudly"
    rf"|quickly|firmly)\s+)?{_REPORT_VERB}|{_REPORT_VERB}\s+{_REPORTER})\b(?:\s+(?:so|too|then|later|afterwards"
    r"|confidently|proudly|firmly|repeatedly|aloud|at\s+(?:the|that)\s+(?:time|point)|before\s+submitting"
    r"|in\s+the\s+interview))*\s*(?:[,;.!?)\u2014\u2013]|$)"
    r"|(?:^|[,(\u2014\u2013])\s*(?:according\s+to|per|in\s+the\s+view\s+of)\s+(?:the\s+)?(?:candidate|interviewee"
    r"|applicant|them|her|him)\b"
    r"|\bin\s+(?:their|his|her|the\s+candidate's)\s+(?:own\s+)?(?:words|view|opinion|telling|account)\b"
    r"|\bby\s+(?:their|his|her|the\s+candidate's)\s+(?:own\s+)?account\b"
    r"|\bsegun\s+(?:ella|el|la\s+candidata|el\s+candidato|sus\s+palabras)\b|\ben\s+sus\s+palabras\b",
    re.IGNORECASE,
)
# A report's "that" with an aside after it still governs what follows: "said that, in the end, it worked".
ASIDE = re.compile(r"\s*,(?!\s*(?:and|but|so|or|y|pero)\b)[^,;:()\u2014\u2013\"\u201c\u201d]{1,60}?,")
# What stands between a report and its claim when the verb no longer governs it: a mark or a word that starts
# another clause ("said they were done, and then the code passed", "thought for a while before it passed").
UNGOVERNED = re.compile(
    r"[,;:()\u2014\u2013]|\b(?:and|then|so|before|after|when|once|until|because|since|while|as|y|luego|antes"
    r"|despues|cuando|porque|mientras)\b",
    re.IGNORECASE,
)
# The report taken up: "as the candidate said", "rightly claimed", "..., and it was", "which it did", "con razón",
# "y así fue", and a next sentence that is only that ("It was.", "Indeed.": `ENDORSED_ALONE`).
# The report's own start: "said that ...", "dijo que ...", "said: \"my code works\"", "dijo «...»".
QUOTED = re.compile(r"\s*(?:that\b|que\b|[:,]?\s*[\"'\u201c\u2018\u00ab])", re.IGNORECASE)
ENDORSED = re.compile(
    r"\b(?:as|como)\s+(?:[\w'-]+\s+){0,3}?(?:said|says|claim\w*|stat\w*|assert\w*|believ\w*|thought|assum\w*"
    r"|dijo|afirm\w*|asegur\w*|cre\w*|pens\w*)\b"
    r"|\b(?:rightly|correctly|accurately|justifiably|truthfully|acertadamente|correctamente)\s+(?:[\w'-]+\s+)?"
    r"(?:said|says|claim\w*|stat\w*|assert\w*|believ\w*|thought|thinks?|assum\w*|felt|dijo|afirm\w*"
    r"|asegur\w*|cre\w*|pens\w*)"
    r"|(?:\b(?:and|which|as|y)\s+|[(\u2014\u2013;,]\s*)(?:so\s+)?(?:indeed\s+)?(?:it|they|she|he|this|that|lo)\s+"
    r"(?:indeed\s+|really\s+|actually\s+)?(?:was|were|is|are|did|does|do|had|has|era|fue|es)"
    r"(?:\s+(?:indeed|too|so|true|right|correct|pass\w*|work\w*|ciert[oa]|razon))?\s*(?:[).!?;,\u2014]|$)"
    r"|\b(?:rightly|correctly|justifiably)\s+so\b|\bindeed\b"
    r"|[,\u2014\u2013(]\s*(?:and\s+)?(?:rightly|correctly|accurately|justifiably)\s*(?:so\s*)?(?:[).!?;,]|$)"
    r"|\b(?:which|and\s+(?:this|that|it))\s+(?:was|is|proved|turned\s+out)\s+(?:to\s+be\s+)?(?:true|right|correct"
    r"|the\s+case)\b"
    r"|\b(?:which|as|and)\s+(?:the\s+)?(?:(?!(?:not|never|no)\b)(?![\w'-]*n't\b)[\w'-]+\s+){0,3}?"
    r"(?:confirm\w*|show\w*|prov\w*|verif\w*|bears?\s+(?:it|this|that)\s+out)\b"
    r"(?!\s+(?:otherwise|the\s+opposite|(?:(?:it|this|that|them)\s+)?(?:to\s+be\s+)?(?:wrong|false|incorrect|mistaken)))"
    r"|(?<!\bnot\s)\b(?:was|were|is|are)\s+(?:confirmed|verified|borne\s+out)\b"
    r"|\bcon\s+razon\b|\befectivamente\b|\ben\s+efecto\b|\b(?:y|como)\s+asi\s+(?:era|fue|es)\b"
    # the record agreeing (not the interviewer: "and the interviewer agreed" is one more report)
    r"|\b(?:and|which|as)\s+(?:the\s+|its\s+|their\s+)?(?:runs?|tests?|results?|submissions?|judge|facts|evidence"
    r"|record)\s+(?:(?:all|also|both)\s+)?(?:agree\w*|support\w*|back\w*\s+(?:it|this|that)\s+up)\b",
    re.IGNORECASE,
)
# The grader's own belief is its finding: "I believe the code is correct", "my impression is that it works" (read
# outside quotes: "The candidate said, 'I think it works'" is the candidate's).
FIRST_PERSON = re.compile(
    r"\b(?:i|we)\s+(?:[\w']+\s+)?(?:say|said|claim\w*|stat\w*|believ\w*|think|thought|assum\w*|feel|felt|am|are)\b"
    r"|\b(?:my|our)\s+(?:impression|belief|assumption|claim|expectation|view)\b"
    r"|\b(?:creo|creemos|pienso|considero|consideramos)\b",
    re.IGNORECASE,
)
IN_QUOTES = re.compile(  # each stops at the next opening mark: linear however many are left unclosed
    r'"[^"]*"|\u201c[^\u201c\u201d]*\u201d|\u00ab[^\u00ab\u00bb]*\u00bb|(?<!\w)\'[^\']*\'(?!\w)'
    r"|\u2018[^\u2018\u2019]*\u2019"
)
# A next sentence that confirms it: "The submission confirms it.", "The runs bear this out." (not "... do not").
CONFIRMED = re.compile(
    r"\A\W*(?:(?:and|y)\s+)?(?:the\s+|its\s+|their\s+)?(?:[\w'-]+\s+){0,3}?(?:(?:confirm(?:s|ed)?|verif(?:y|ies|ied))\s+"
    r"(?:it|this|that|so)|bears?\s+(?:it|this|that)\s+out|bore\s+(?:it|this|that)\s+out|lo\s+confirm\w*)\b",
    re.IGNORECASE,
)
ENDORSED_ALONE = re.compile(
    r"\W*(?:(?:and|but|y|pero)\s+)?(?:(?:indeed|and\s+indeed|en\s+efecto|efectivamente)\W+)?(?:(?:it|they|she|he|that|this|which|lo)\s+(?:indeed\s+|really\s+|actually\s+)?"
    r"(?:was|were|is|are|did|does|do|had|has|held|era|fue|es)(?:\s+(?:indeed|too|so|true|right|correct))?"
    r"|indeed|true|correct|right|rightly\s+so|correctly\s+so|and\s+so\s+it\s+(?:was|did)|asi\s+(?:es|fue|era)"
    r"|en\s+efecto|efectivamente|cierto|con\s+razon)\W*",
    re.IGNORECASE,
)


def report_start(text: str, report: re.Match[str]) -> int:
    """Where what a report says starts: after its "that", "que" or opening quote."""
    quoted = QUOTED.match(text, report.end())
    if quoted is None:
        return report.end()
    aside = ASIDE.match(text, quoted.end()) if quoted.group(0).strip().lower() in ("that", "que") else None
    return aside.end() if aside else quoted.end()


def reported(before: str, endorsed: bool) -> bool:
    """What follows `before` is said as what someone said, thought or asked (`REPORTED`), and the sentence does not
    take it up (`endorsed`)."""
    if endorsed:
        return False
    reports = list(REPORTED.finditer(before))
    if not reports:
        return False
    return UNGOVERNED.search(before, report_start(before, reports[-1])) is None
