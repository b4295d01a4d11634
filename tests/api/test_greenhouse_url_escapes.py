"""Greenhouse's callback `url` is the key a send_test is matched on. Its percent-escapes written another way that
RFC 3986 calls the same (6.2.2: "%c3%a9" and "%C3%A9"; "%31" and "1") are the same url, so the same order sent
again is the same interview. Before, each spelling scheduled another interview and e-mailed another invite."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

from api.integrations.greenhouse import same_escapes
from tests.fakes.greenhouse import FakeGreenhouse

Conn = psycopg.AsyncConnection[DictRow]

ADA = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


async def _send(greenhouse: FakeGreenhouse, url: str, test: str = "difficulty:easy") -> Any:
    body = {"partner_test_id": test, "candidate": ADA, "url": url}
    async with greenhouse.client() as c:
        return await c.post("/send_test", json=body)


async def _urls(db: Conn) -> list[str]:
    cur = await db.execute("select callback_url from ats_assessments order by created_at")
    return [r["callback_url"] for r in await cur.fetchall()]


async def test_the_same_url_with_its_escapes_written_another_way_is_the_same_order(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    base = greenhouse.callback_url(41)
    first = await _send(greenhouse, f"{base}?stage=%c3%a9tape&id=%31%7e")
    assert first.status_code == 200, first.text
    for twin in (
        f"{base}?stage=%C3%A9tape&id=1~",
        f"{base}?stage=étape&id=%31~",
        f"{base}?stage=%c3%A9tape&id=1%7E",
    ):
        again = await _send(greenhouse, twin)
        assert again.status_code == 200, again.text
        assert again.json() == first.json()
    # Another order on that url is a conflict, whatever its escapes.
    other = await _send(greenhouse, f"{base}?stage=%C3%A9tape&id=1~", test="difficulty:hard")
    assert other.status_code == 409, other.text
    assert await _urls(db) == [f"{base}?stage=%C3%A9tape&id=1~"]


async def test_escapes_that_name_other_characters_stay_other_urls(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    base = greenhouse.callback_url(42)
    # A reserved character escaped ("%2F", "%3D", "%26") is not the character itself; nor is an escaped "%".
    for url in (f"{base}?a=1%2F2", f"{base}?a=1/2", f"{base}?a=%3D", f"{base}?a=%26", f"{base}?a=%2531"):
        r = await _send(greenhouse, url)
        assert r.status_code == 200, r.text
    assert len(set(await _urls(db))) == 5


async def test_an_order_stored_with_its_url_as_it_went_before_is_still_found(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    url = f"{greenhouse.callback_url(43)}?stage=%c3%a9"
    first = await _send(greenhouse, url)
    assert first.status_code == 200, first.text
    await db.execute("update ats_assessments set callback_url = %s", (url,))  # as kept before
    again = await _send(greenhouse, url)
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert len(await _urls(db)) == 1


def test_same_escapes_unit() -> None:
    assert (
        same_escapes("https://x.greenhouse.io/a%2fb%7E%41?q=%e2%82%ac")
        == "https://x.greenhouse.io/a%2Fb~A?q=%E2%82%AC"
    )
    assert same_escapes("https://x.greenhouse.io/%25%32") == "https://x.greenhouse.io/%252"
