"""Contact details in shapes the lists of sites did not hold: a link to a person on any site, by the way its path or
query names a user (`/~zqdev`, `/@zqdev`, `/users/zqdev`, `?user=zqdev`), the link-in-bio, scheduling and messaging
sites a candidate gives to be reached (linktr.ee, calendly.com, wa.me), and a phone number after a contact cue in a
code comment. Technical links stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    "link",
    [
        "linktr.ee/zqdev",
        "https://calendly.com/zqdev/30min",
        "about.me/zqdev",
        "https://wa.me/14155550100",
        "www.npmjs.com/~zqdev",
        "https://pypi.org/user/zqdev/",
        "https://replit.com/@zqdev",
        "codepen.io/zqdev",
        "https://huggingface.co/zqdev",
        "https://codeberg.org/zqdev",
        "https://example.com/profile?user=zqdev&tab=posts",
        "https://forum.example.org/u/zqdev",
        "https://mysite.example/people/zqdev",
        "https://git.sr.ht/~zqdev/dotfiles",
        "https://stackexchange.com/users/12345/zqdev",
    ],
)
def test_a_link_to_a_person_is_redacted_whatever_the_site(link: str) -> None:
    said = f"you can see more at {link} if you like"
    assert R.speech(said).text == "you can see more at [link] if you like"
    assert R.output(said).text == "you can see more at [link] if you like"
    code = R.code(f"# see {link}\nx = 1\n", "python").text
    assert code == "# see [link]\nx = 1\n"


@pytest.mark.parametrize(
    "link",
    [
        "https://docs.python.org/3/library/heapq.html",
        "https://en.wikipedia.org/wiki/Two-pointer_technique",
        "https://pypi.org/project/sortedcontainers/",
        "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Map",
        "https://example.com/search?q=binary+heap&page=2",
    ],
)
def test_technical_links_stay(link: str) -> None:
    said = f"as in {link} for example"
    assert R.speech(said).text == said
    assert R.code(f"# {link}\n", "python").text == f"# {link}\n"


@pytest.mark.parametrize(
    "comment",
    [
        "# call me at 415 555 0100",
        "# my cell: 415 555 0100",
        "# phone: four one five, five five five, zero one zero zero",
    ],
)
def test_a_phone_number_after_a_contact_cue_in_a_comment_is_redacted(comment: str) -> None:
    out = R.code(f"{comment}\nx = [4, 1, 5, 5, 5, 5, 0, 1, 0, 0]\n", "python").text
    assert out.endswith("[phone]\nx = [4, 1, 5, 5, 5, 5, 0, 1, 0, 0]\n"), out
    assert "0100" not in out.splitlines()[0] and "zero" not in out


def test_digits_in_a_comment_without_a_cue_stay() -> None:
    code = "# input: 3 1 4 1 5 9 2 6 5 3 5\nx = 1\n"
    assert R.code(code, "python").text == code


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        (
            "we are the Lovelaces, and the LOVELACES agree",
            "we are the [candidate], and the [candidate] agree",
        ),
        ("the Nguyens next door", "the [candidate] next door"),
    ],
)
def test_a_family_name_in_the_plural_is_the_name(said: str, expected: str) -> None:
    r = Redactor(redaction_terms("Ada Lovelace", None) + redaction_terms("Minh Nguyen", None))
    assert r.speech(said).text == expected
    assert r.code(f"# {said}\n", "python").text == f"# {expected}\n"


def test_an_address_with_its_at_sign_percent_encoded_is_an_address() -> None:
    said = "mailto:zq%40example.com or zq%40example.co.uk"
    assert R.speech(said).text == "mailto:[email] or [email]"
    assert R.output(said).text == "mailto:[email] or [email]"


@pytest.mark.parametrize(
    "turns",
    [
        ("My email is zqdev", "at gmail dot com"),
        ("my personal email address is zq dev,", "gmail dot com"),
        ("Email me at zqdev", "dot io, any time"),
        ("my work e-mail: zqdev", "at acme dot io"),
    ],
)
def test_an_address_said_across_two_turns_loses_its_local_part(turns: tuple[str, str]) -> None:
    """The local part after an e-mail cue is a handle, whatever comes after it: the domain may come in the next
    turn, where it identifies no one."""
    first, _ = turns
    out = R.speech(first).text
    assert "zq" not in out and "[handle]" in out, out
    assert R.speech("I will mail the result; the mail server is down").text == (
        "I will mail the result; the mail server is down"
    )
