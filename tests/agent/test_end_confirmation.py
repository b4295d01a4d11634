"""The answer to "shall we stop here?": only a plain yes ends the interview without asking the classifier.

A yes that goes on to ask for more time ("sure, just let me finish this loop") is not a yes to stopping now: the
rule must not end an interview the candidate wants to continue. Such answers are left to the classifier (None),
and without one nothing ends.
"""

from __future__ import annotations

import pytest

from agent.addressing import asks_to_end, confirms, explicit_request


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


@pytest.mark.parametrize(
    "words",
    [
        "Can we stop this problem and do a different one?",
        "Let's finish this loop first, then test.",
        "I want to end this function with a return.",
        "I need to finish the helper before I run it",
        "Can we stop for a second? I want to rethink this.",
        "Let's stop using the dict and try a set",
        "I'd like to end the loop early when we find it",
        "We should stop iterating once it's found",
        "I have to finish writing the base case",
        "Quiero terminar esta función primero",
        "Tengo que terminar el bucle antes de probar",
        "Podemos parar un momento, quiero pensar",
    ],
)
def test_stopping_or_finishing_something_else_is_not_a_request_to_end_the_interview(words: str) -> None:
    """ "Stop this problem", "finish this loop", "stop for a second": a verb of stopping with an object other than the
    interview, or a pause, never lets the model end it (nor does a yes to "shall we stop here?" after it); the
    classifier may be asked (None) when the rules recognise nothing."""
    assert asks_to_end(words) is not True
    assert explicit_request(words) != "leave"


@pytest.mark.parametrize(
    "words",
    [
        "I'd like to stop here.",
        "Can we stop?",
        "Let's end the interview.",
        "I want to finish now.",
        "Let's call it a day.",
        "Stop.",
        "let's wrap it up",
        "I want to stop",
        "Could we end it here?",
        "I'd like to end the call, thanks",
        "can we stop now please",
        "I need to stop, something came up",
        "Quiero terminar la entrevista",
        "Podemos parar aquí",
        "Quiero terminar ya",
    ],
)
def test_asking_to_stop_the_interview_still_is(words: str) -> None:
    assert asks_to_end(words) is True
