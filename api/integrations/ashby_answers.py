"""What Ashby's answer to an `assessment.update` says about the update: taken, refused, taken unconfirmed, or nothing.

Ashby answers 2xx with `{"success": true, "results": ...}`, or with `{"success": false, "errorInfo": ...}` for an
update it refuses (a refusal that retrying will not change). Its answers are a few hundred bytes; we read at most
`MAX_BYTES` of one, until the request's deadline (`api.egress`), so an answer may be cut off: longer than that, still
arriving at the deadline, or its connection closed mid-body (`Reply.truncated`).

- A complete body says what its top-level boolean `success` says. Any other complete body (a gateway's `{}`, an HTML
  page, a list, a `success` that is not a boolean) is `NOT_AN_ANSWER`: it is not Ashby's, and says nothing about
  whether Ashby got the update, so the update is tried again.
- A cut-off body is read as the start of a JSON object, key by key. A top-level `success` seen before the cut decides
  as above; a start that already is not Ashby's shape (not an object, an object that closed without `success`, a
  `success` that is not a boolean) is `NOT_AN_ANSWER`. Otherwise (the start of an object whose `success` the cut
  hid) it is `UNCONFIRMED`: Ashby answered 2xx and began its answer, and the update is taken as delivered (and
  logged with what was seen). Tried again, the same answer would be cut at the same place, every attempt of the
  schedule, and the update Ashby took would end as a dead letter (and page). The difference is what we could read:
  a complete body that says nothing is not Ashby's answer; a body we could not read in full is Ashby's 2xx.
"""

from __future__ import annotations

import json
from enum import StrEnum

from api import egress

# Ashby's answer to assessment.update is a few hundred bytes; a body past this is cut off (see above).
MAX_BYTES = 16_384
JSON_WHITESPACE = " \t\n\r"


class Verdict(StrEnum):
    ACCEPTED = "accepted"  # success: true
    REFUSED = "refused"  # success: false
    UNCONFIRMED = "unconfirmed"  # a 2xx whose body was cut off before its `success`: taken as delivered
    NOT_AN_ANSWER = "not_an_answer"  # not Ashby's answer: tried again


def _from_success(value: object) -> Verdict:
    if value is True:
        return Verdict.ACCEPTED
    if value is False:
        return Verdict.REFUSED
    return Verdict.NOT_AN_ANSWER


def verdict(reply: egress.Reply) -> Verdict:
    """What a 2xx answer of Ashby's says (the caller handles other statuses)."""
    try:
        answer = json.loads(reply.body)
    # RecursionError: JSON nested past the recursion limit fits well within the bytes read.
    except (ValueError, RecursionError):
        if reply.truncated:
            return cut_off(reply.body)
        return Verdict.NOT_AN_ANSWER
    # A body cut exactly at the end of its JSON (or marked cut at exactly the cap) is complete: read it as one.
    return _from_success(answer.get("success")) if isinstance(answer, dict) else Verdict.NOT_AN_ANSWER


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in JSON_WHITESPACE:
        i += 1
    return i


def cut_off(body: bytes) -> Verdict:
    """What the start of a cut-off answer says (see the module docstring). A failure to read a value before the cut
    cannot be told from the cut itself, so it hides the rest (`UNCONFIRMED`), unless the value is `success`'s."""
    # A cut may split the last character's UTF-8 bytes: replaced, it is still past everything read before it.
    text = body.decode("utf-8", errors="replace")
    decoder = json.JSONDecoder()
    i = _skip_space(text, 0)
    if i == len(text):
        return Verdict.UNCONFIRMED  # nothing of the body came before the cut
    if text[i] != "{":
        return Verdict.NOT_AN_ANSWER
    i += 1
    while True:
        i = _skip_space(text, i)
        if i == len(text):
            return Verdict.UNCONFIRMED
        if text[i] != '"':
            return Verdict.NOT_AN_ANSWER  # `}` (closed without `success`) or not JSON
        try:
            key, i = decoder.raw_decode(text, i)
        except ValueError:
            return Verdict.UNCONFIRMED  # cut inside the key
        i = _skip_space(text, i)
        if i == len(text):
            return Verdict.UNCONFIRMED
        if text[i] != ":":
            return Verdict.NOT_AN_ANSWER
        i = _skip_space(text, i + 1)
        if i == len(text):
            return Verdict.UNCONFIRMED
        try:
            value, i = decoder.raw_decode(text, i)
        except (ValueError, RecursionError):
            if key != "success":
                return Verdict.UNCONFIRMED
            rest = text[i:].rstrip(JSON_WHITESPACE)
            # Cut inside the literal: `t`, `tr`, `tru` can only be `true` in JSON, `f` ... `fals` only `false`.
            if "true".startswith(rest):
                return Verdict.ACCEPTED
            return Verdict.REFUSED if "false".startswith(rest) else Verdict.NOT_AN_ANSWER
        if key == "success":
            return _from_success(value)
        i = _skip_space(text, i)
        if i == len(text):
            return Verdict.UNCONFIRMED
        if text[i] != ",":
            return Verdict.NOT_AN_ANSWER
        i += 1
