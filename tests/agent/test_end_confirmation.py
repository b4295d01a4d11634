"""The answer to "shall we stop here?": only a plain yes ends the interview without asking the classifier.

A yes that goes on to ask for more time ("sure, just let me finish this loop") is not a yes to stopping now: the
rule must not end an interview the candidate wants to continue. Such answers are left to the classifier (None),
and without one nothing ends.
"""

from __future__ import annotations

import pytest

from agent.addressing import confirms


@pytest.mark.parametrize(
    "answer",
    [
        "Yes.",
        "yeah",
        "Sure, thanks!",
        "OK, let's stop.",
        "Okay. Thank you, bye!",
        "Yes please, I'm done.",
        "Right, that's all.",
        "Absolutely, go ahead.",
        "yes yes",
        "Sí, gracias.",
        "Vale, terminemos.",
        "Claro, adiós.",
        "Let's stop.",
    ],
)
def test_a_plain_yes_confirms(answer: str) -> None:
    assert confirms(answer) is True


@pytest.mark.parametrize(
    "answer",
    [
        "Okay, hold on a second.",
        "Sure, let me just finish this loop first.",
        "Right, so about the edge case with empty input",
        "OK but can I run it once more?",
        "Yeah I think I can still fix the off-by-one",
        "Sure, in a minute",
        "ok one more thing",
        "Vale, un momento.",
        "Sí, pero déjame terminar esto.",
        "Claro, aunque quiero probar otra cosa",
    ],
)
def test_a_yes_that_goes_on_to_ask_for_more_is_not_taken_as_a_yes(answer: str) -> None:
    assert confirms(answer) is not True


@pytest.mark.parametrize("answer", ["No.", "Not yet.", "Wait, no.", "No, todavía no.", "Sure? No, wait."])
def test_a_no_refuses(answer: str) -> None:
    assert confirms(answer) is False
