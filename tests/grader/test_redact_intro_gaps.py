"""Self-introductions with a name not on file that the rules of grader/introductions.py had let through (review of
2026-12-05): "this is <name> from <organisation>" without a greeting, "<name> here, hi" where a turn opens, lower
case as speech-to-text writes it ("hi i'm zanele"), and a bare "Name:" label opening a line of chat or a comment.
Each is read with grader/intro_words.py, since nothing in it says a name follows as "my name is" does: what is said
the same way of a state, a type, a library or a problem ("hey i'm late", "This is Counter from collections", "Node
here, hi", "# Name: Merge Intervals") stays."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor
from grader.self_named import called_in_lower_case, self_introduced

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # "this is <name> from <organisation>", with no greeting before it.
        ("this is Zanele from Acme", "this is [candidate] from Acme"),
        ("This is Wei Chen from the Toronto office.", "This is [candidate] from the Toronto office."),
        ("this is Olusegun, from the data team", "this is [candidate], from the data team"),
        ("This is Siobh\u00e1n from Dublin.", "This is [candidate] from Dublin."),
        ("Okay. This is Jos\u00e9 Luis from the university", "Okay. This is [candidate] from the university"),
        ("Hi, this is Nguyen, from the Hanoi office", "Hi, this is [candidate], from the Hanoi office"),
        # "<name> here" where a turn or a sentence opens, with a greeting or an organisation after it.
        ("Zanele here, hi", "[candidate] here, hi"),
        ("Wei Chen here, hello everyone", "[candidate] here, hello everyone"),
        ("Olusegun here. Good morning!", "[candidate] here. Good morning!"),
        ("Siobh\u00e1n here \u2014 nice to meet you", "[candidate] here \u2014 nice to meet you"),
        ("Jos\u00e9 Luis here from Madrid.", "[candidate] here from Madrid."),
        ("Sorry. Nguyen here, how are you?", "Sorry. [candidate] here, how are you?"),
        # A name in -ed is no participle here ("Checked here, hello" is).
        ("Mohamed here, hi", "[candidate] here, hi"),
        ("Ahmed Khan here from Acme", "[candidate] here from Acme"),
        ("hi i'm mohamed", "hi i'm [candidate]"),
        # Lower case, as speech-to-text writes a name.
        ("hi i'm zanele", "hi i'm [candidate]"),
        ("hey i'm wei chen, nice to meet you", "hey i'm [candidate], nice to meet you"),
        ("hello, i am olusegun and i'll code in python", "hello, i am [candidate] and i'll code in python"),
        ("hi i'm siobh\u00e1n", "hi i'm [candidate]"),
        ("hey, this is jos\u00e9 luis, nice to meet you", "hey, this is [candidate], nice to meet you"),
        ("this is nguyen from the data team", "this is [candidate] from the data team"),
        ("Hi, I'm nguyen.", "Hi, I'm [candidate]."),
        (
            "good morning, it's priya here, nice to meet you",
            "good morning, it's [candidate] here, nice to meet you",
        ),
        ("this is zanele speaking", "this is [candidate] speaking"),
        ("hey my name is olusegun adeyemi", "hey my name is [candidate]"),
        # Lower case after a cue that asks to be called something.
        ("call me pri", "call me [candidate]"),
        ("you can call me pri, everyone does", "you can call me [candidate], everyone does"),
        ("everyone calls me sasha", "everyone calls me [candidate]"),
        ("call me wei chen please", "call me [candidate] please"),
        # A hesitation between the cue and the name, with speech-to-text's commas; "but" after the name.
        ("You can call me, uh, Priya.", "You can call me, uh, [candidate]."),
        ("I'm uh Priya Raman, nice to meet you", "I'm uh [candidate], nice to meet you"),
        ("My name is, um, Priya Raman.", "My name is, um, [candidate]."),
        ("Hi, this is, uh, Priya.", "Hi, this is, uh, [candidate]."),
        ("call me, uh, pri", "call me, uh, [candidate]"),
        ("Hi I'm Priyanka but you can call me Pri", "Hi I'm [candidate] but you can call me [candidate]"),
        ("hi i'm priyanka but call me pri", "hi i'm [candidate] but call me [candidate]"),
        # A bare "Name:" label opening a line.
        ("Name: Zanele Mbeki", "Name: [candidate]"),
        ("Name - Wei Chen", "Name - [candidate]"),
        ("Name: Olusegun", "Name: [candidate]"),
        ("Name: Siobh\u00e1n O'Brien", "Name: [candidate]"),
        ("NAME: JOSE LUIS", "NAME: [candidate]"),
        ("Hello!\nName: Nguyen", "Hello!\nName: [candidate]"),
    ],
)
def test_an_introduction_without_a_word_for_name_is_redacted(said: str, expected: str) -> None:
    assert R.speech(said).text == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("# Name: Zanele Mbeki\nx = 1\n", "# Name: [candidate]\nx = 1\n"),
        ("// Name - Wei Chen\nint x;\n", "// Name - [candidate]\nint x;\n"),
        ("/*\n * Name: Olusegun\n */\nint x;\n", "/*\n * Name: [candidate]\n */\nint x;\n"),
        ('"""\nName: Siobh\u00e1n Kelly\n"""\n', '"""\nName: [candidate]\n"""\n'),
        ("# hi i'm nguyen\nx = 1\n", "# hi i'm [candidate]\nx = 1\n"),
        ("# This is Jos\u00e9 Luis from Acme.\nx = 1\n", "# This is [candidate] from Acme.\nx = 1\n"),
        ("print('this is Zanele from Acme')\n", "print('this is [candidate] from Acme')\n"),
    ],
)
def test_an_introduction_in_code_is_redacted(code: str, expected: str) -> None:
    language = "cpp" if "int x;" in code else "python"
    assert R.code(code, language).text == expected


# Near misses: what speech, chat and code say in these shapes that is not a name.
KEPT_SPEECH = [
    # Lower case after a greeting: a state, a place, a plan, a verdict on code.
    "hi i'm here",
    "hey i'm back",
    "hello i'm good thanks",
    "hi i'm doing well",
    "hey i'm late",
    "hi i'm new to this",
    "hi i'm muted?",
    "hi i am done",
    "hey i'm almost done",
    "hi i'm so nervous",
    "hey i'm on mute",
    "hello i'm lagging",
    "hi i'm pumped",
    "hey i'm dumb",
    "hi i'm blanking",
    "hey i'm a bit rusty",
    "hey this is weird",
    "hey this is broken",
    "hey it's me again",
    "hey it's working",
    "hey it's null",
    "hey this is undefined",
    "hey this is quadratic",
    "hey it's memoized",
    "hey it's thread safe",
    "hey it's brute force",
    "hi this is it",
    # After "call me" in lower case: a call, a state, a time; "I go by" gives a method as often as a name.
    "call me back later",
    "call me crazy but it works",
    "call me if it breaks",
    "call me anytime",
    "call me later",
    "call me tomorrow",
    "call me lazy",
    # A concession after the word ("call me X, but"), an adjective, an indefinite pronoun: what they are called.
    "call me paranoid, but I'd check the bounds",
    "call me thorough, but it works",
    "call me sloppy",
    "everyone calls me picky",
    "you can call me whatever",
    "you can call me whoever, i don't mind",
    "i go by intuition",
    # After "this is" or "it's", lower case is read only before "speaking", a pleasantry or "from" an organisation:
    # what follows is as often a verdict or a noun.
    "hey, this is important.",
    "hey, it's timeout.",
    "hi this is data",
    "hey it's memory here",
    "hey this is weird hey",
    "hey, this is zanele",
    "this is different from Java",
    "it's far from the office",
    "Note that this is differs from ValidatingAdmissionPolicy",  # a typo in a package's docs
    "this is python speaking",
    "this is your captain speaking",
    # Without a greeting, lower case is never read: "i'm done", "i'm stuck", "i'm thinking".
    "i'm done",
    "i'm stuck",
    "i'm thinking",
    "i'm zanele",
    "my name is not important",
    # "this is <X> from <Y>": a type, a library, a source.
    "This is Counter from collections",
    "This is Array from the problem",
    "This is Request from FastAPI",
    "This is Spark from Apache",
    "This is Adapted from Stack Overflow",
    "This is Directly from the Docs",
    "This is Monday from the schedule",
    "this is Python from the docs",
    "this is Fine",
    # "<X> here": an order, a value, an eponym; a name alone before "here" is still read as an order.
    "Node here, hi",
    "Fixed here, hi",
    "Checked here, hello",
    "Dijkstra here, hello",
    "Recursion here. Hi",
    "Alice here is the input",
    "Priya here.",
    "Return here.",
    # Labels: a type, a problem's name, a key in lower case, a project's name.
    "Name: str",
    'name: "Alice"',
    "name: Deploy",
    "Name: LAPACK",
    "Name: Merge Intervals",
    "Name: Two Sum",
    "Name: Coin Change",
    "Name: Kth Largest",
    "Name: Number of Islands",
    "Name: The user's name",
    "Name: TreeNode",
    "the Name: Zanele field",
]


@pytest.mark.parametrize("said", KEPT_SPEECH)
def test_the_same_shapes_about_code_a_state_or_a_problem_stay(said: str) -> None:
    assert R.speech(said).text == said


@pytest.mark.parametrize(
    "code",
    [
        "# Name: Solution\nclass Solution: ...\n",
        "# Name: Merge Intervals\n# Time: O(n log n)\n",
        "// Name - Valid Parentheses\nint x;\n",
        "def f(name: Optional[str]): ...\n# Name: Binary Search Tree\n",
        "x = 1  # Name: Zanele\n",
        "jobs:\n  build:\n    name: Build\n",
        "# This is Counter from collections\nfrom collections import Counter\n",
        "# Node here, hi\n",
        "assert greet('Zanele') == 'this is Zanele from Acme'\n",
    ],
)
def test_code_in_the_same_shapes_stays(code: str) -> None:
    language = "cpp" if "int x;" in code else "python"
    assert R.code(code, language).text == code


@pytest.mark.timeout(60)
def test_long_texts_in_these_shapes_are_read_whole() -> None:
    # Structure, not timing: every one of many introductions in a long text is found, every near miss kept, and
    # texts of 100k characters that almost match (a name slot that never ends) come back unchanged.
    said = "Zanele here, hi. hey i'm late. hi i'm wei chen. This is Counter from collections. this is Olu from Acme. "
    out = R.speech(said * 1000).text
    assert (
        out
        == (
            "[candidate] here, hi. hey i'm late. hi i'm [candidate]. This is Counter from collections. "
            "this is [candidate] from Acme. "
        )
        * 1000
    )
    labels = "Name: Zanele Mbeki\nName: Merge Intervals\n" * 3000
    assert R.speech(labels).text == "Name: [candidate]\nName: Merge Intervals\n" * 3000
    near = [
        "hi i'm " + "ab " * 33000,
        "hey this is " + "a-" * 50000 + "1",
        "Name: " + "Ab " * 33000 + "x",
        "this is " + "Aa " * 33000 + "from",
        "Aa " * 33000 + "here",
        ". " * 50000,
    ]
    for text in near:
        assert R.speech(text).text == text


def test_a_name_called_in_lower_case_is_redacted_elsewhere_only_where_written_as_a_name() -> None:
    # Not added to the names redacted everywhere in any case (grader/self_named.py): a word mistaken for a name there
    # would go from every line. Where written as a name, it goes: the interviewer's "Great, Priya." and a line's
    # first word, which speech-to-text writes with a capital, had reached the model.
    assert self_introduced(["call me pri"]) == []
    assert self_introduced(["call me Pri"]) == ["Pri"]
    said = ["you can call me priya", "call me back later", "call me paranoid, but it works", "call me Sam"]
    assert called_in_lower_case(said) == ["priya"]
    named = Redactor(
        redaction_terms("Ada Lovelace", "ada@example.com"), written_names=called_in_lower_case(said)
    )
    for text, expected in [
        ("Great, Priya. Let's begin.", "Great, [candidate]. Let's begin."),
        ("Priya thinks a hash map works.", "[candidate] thinks a hash map works."),
        ("PRIYA, your turn", "[candidate], your turn"),
        ("the priya approach", "the priya approach"),  # lower case elsewhere: never
        ("Call me back later, Sam.", "Call me back later, Sam."),
    ]:
        assert named.speech(text).text == expected
        assert named.output(text).text == expected
    assert named.code("# Priya's try\npriya = 1\n", "python").text == "# [candidate]'s try\npriya = 1\n"
    # Asked for in lower case and written as a name elsewhere ("I'm Pri"): a name in any case, as before.
    both = Redactor(["Pri"], written_names=["pri"])
    assert both.speech("the pri approach").text == "the [candidate] approach"
    # A word of the question's statement stays where it opens a sentence, as it would for a name on file: "call me
    # knight" had hidden "Knight moves are L shaped." in a knight's-moves question.
    board = Redactor([], vocabulary="Return the fewest knight moves on a board.", written_names=["knight"])
    assert board.speech("Knight moves are L shaped.").text == "Knight moves are L shaped."
    assert board.speech("Great, Knight.").text == "Great, [candidate]."
