"""Greenhouse's callback `url` is the key a send_test is matched on: its host and path written another way that
names the same resource (a host name's final dot, upper case, the default port spelled out, the Unicode form of an
IDNA name, an empty path for "/") is the same url, so the same order sent again is the same interview; a host name
that DNS cannot hold (or of characters no host name has) is refused at once. Before, "app.greenhouse.io." was
another url than "app.greenhouse.io" (another interview, another invite), and "app..greenhouse.io" or
"x.com\\.greenhouse.io" was scheduled with a PATCH that could never go."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg.rows import DictRow

from api.errors import UnprocessableError
from api.integrations.greenhouse import check_callback_url
from tests.api.test_greenhouse_url_escapes import _send, _urls
from tests.api.test_webhook_ssrf import staging_settings
from tests.fakes.greenhouse import FakeGreenhouse

Conn = psycopg.AsyncConnection[DictRow]

PATH = "/integrations/testing_partners/take_home_tests/77"


@pytest.mark.parametrize(
    ("first", "twins", "stored"),
    [
        pytest.param(
            f"https://app.greenhouse.io{PATH}",
            [f"https://app.greenhouse.io.{PATH}", f"HTTPS://App.GreenHouse.IO.:443{PATH}"],
            f"https://app.greenhouse.io{PATH}",
            id="final-dot-case-and-default-port",
        ),
        pytest.param(
            f"https://straße.greenhouse.io.{PATH}",
            [f"https://xn--strae-oqa.greenhouse.io{PATH}", f"https://XN--STRAE-OQA.greenhouse.io.{PATH}"],
            f"https://xn--strae-oqa.greenhouse.io{PATH}",
            id="unicode-and-idna-forms-of-one-name",
        ),
        pytest.param(
            "https://app.greenhouse.io?test=77",
            ["https://app.greenhouse.io/?test=77", "https://app.greenhouse.io.:443/?test=77"],
            "https://app.greenhouse.io/?test=77",
            id="an-empty-path-is-slash",
        ),
    ],
)
async def test_the_same_url_with_its_host_or_path_written_another_way_is_the_same_order(
    greenhouse: FakeGreenhouse, db: Conn, first: str, twins: list[str], stored: str
) -> None:
    r = await _send(greenhouse, first)
    assert r.status_code == 200, r.text
    for twin in twins:
        again = await _send(greenhouse, twin)
        assert (again.status_code, again.json()) == (200, r.json()), (twin, again.text)
    # Another order on the url, whichever way it is written, is a conflict; the first stays as it was.
    other = await _send(greenhouse, twins[-1], test="difficulty:hard")
    assert other.status_code == 409, other.text
    assert await _urls(db) == [stored]


async def test_names_that_differ_stay_other_urls(greenhouse: FakeGreenhouse, db: Conn) -> None:
    # IDNA 2008 keeps "ß" (xn--strae-oqa), where IDNA 2003 mapped it to "ss": two names, two hosts.
    for url in (f"https://straße.greenhouse.io{PATH}", f"https://strasse.greenhouse.io{PATH}"):
        r = await _send(greenhouse, url)
        assert r.status_code == 200, r.text
    assert len(set(await _urls(db))) == 2


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"https://app..greenhouse.io{PATH}", id="an-empty-label"),
        pytest.param(f"https://.greenhouse.io{PATH}", id="a-leading-dot"),
        pytest.param(f"https://app.greenhouse.io..{PATH}", id="two-final-dots"),
        pytest.param(f"https://{'a' * 64}.greenhouse.io{PATH}", id="a-label-past-63-characters"),
        pytest.param(f"https://{'a.' * 126}greenhouse.io{PATH}", id="a-name-past-253-characters"),
        # httpx takes these as hosts, and each ends in ".greenhouse.io"; none is a host name, and a resolver reads
        # "\\." as a dot inside a label ("com.greenhouse", under .io): a PATCH that could never go.
        pytest.param(f"https://x.com\\.greenhouse.io{PATH}", id="an-escaped-dot"),
        pytest.param(f"https://x.com%2F.greenhouse.io{PATH}", id="a-percent-escape"),
        pytest.param(f"https://x y.greenhouse.io{PATH}", id="a-space"),
        pytest.param(f"https://app!.greenhouse.io{PATH}", id="a-character-no-host-name-holds"),
    ],
)
async def test_a_host_name_dns_cannot_hold_is_refused_and_nothing_is_scheduled(
    greenhouse: FakeGreenhouse, db: Conn, url: str
) -> None:
    r = await _send(greenhouse, url)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_url"), r.text
    assert await _urls(db) == []
    cur = await db.execute("select count(*) as n from sessions")
    assert (await cur.fetchone() or {})["n"] == 0


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        pytest.param(f"https://bücher.example{PATH}", "xn--bcher-kva.example", id="the-domain-in-unicode"),
        pytest.param(
            f"https://xn--bcher-kva.example.{PATH}", "xn--bcher-kva.example", id="the-domain-in-idna"
        ),
        pytest.param(
            f"https://ä.bücher.example{PATH}", "xn--4ca.xn--bcher-kva.example", id="a-unicode-subdomain"
        ),
        pytest.param(
            f"https://ats.xn--bcher-kva.example{PATH}", "ats.xn--bcher-kva.example", id="an-ascii-subdomain"
        ),
    ],
)
def test_a_callback_domain_configured_in_idna_takes_the_hosts_under_it(
    tmp_path: Path, url: str, stored: str
) -> None:
    # SHADOWS_API_GREENHOUSE_CALLBACK_DOMAINS takes ASCII names only, so an internationalised domain is configured in
    # its IDNA form. The host was compared as httpx shows it, in Unicode when its first label is IDNA ("bücher.example",
    # "ä.bücher.example"): the domain itself, and every name under it with such a first label, were refused.
    settings, _ = staging_settings("postgresql://unused/db", tmp_path)
    settings = settings.model_copy(update={"greenhouse_callback_domains": "xn--bcher-kva.example"})
    assert settings.egress_guard
    assert check_callback_url(settings, url) == f"https://{stored}{PATH}"
    for other in (
        f"https://bücher.example.evil.test{PATH}",
        f"https://xn--bcher-kva.example-evil.test{PATH}",
    ):
        with pytest.raises(UnprocessableError) as refused:
            check_callback_url(settings, other)
        assert refused.value.code == "address_not_allowed"
