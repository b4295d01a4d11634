"""An organisation's report PDFs are one of its per-organisation limits (api.org_limits): a PDF refused past
`SHADOWS_API_REPORT_PDF_RATE_LIMIT` is counted in `shadows_org_limited_total{kind="report_pdf"}` like the other
limits, and its 429 is the one the route always answered (`rate_limited`, the same message, Retry-After)."""

from __future__ import annotations

from prometheus_client import REGISTRY

from tests.conftest import ApiServer

MESSAGE = "This organisation has asked for too many report PDFs; retry after Retry-After seconds."


def _limited() -> float:
    return REGISTRY.get_sample_value("shadows_org_limited_total", {"kind": "report_pdf"}) or 0.0


async def test_a_report_pdf_past_the_organisations_limit_is_counted_as_an_org_limit(
    api_server: ApiServer, pdf_renders: list[str]
) -> None:
    api_server.settings.report_pdf_rate_limit = "1/hour"
    session = await api_server.create_session()
    path = f"/v1/sessions/{session['id']}/report.pdf"
    before = _limited()
    ok = await api_server.client.get(path, headers=api_server.org_headers())
    assert ok.status_code == 200, ok.text
    assert _limited() == before  # a PDF within the limit is not counted as limited

    refused = await api_server.client.get(path, headers=api_server.org_headers())
    assert refused.status_code == 429, refused.text
    assert refused.json() == {"error": {"code": "rate_limited", "message": MESSAGE}}
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert refused.headers["content-type"].startswith("application/json")
    assert len(pdf_renders) == 1  # refused before anything was printed
    assert _limited() == before + 1

    again = await api_server.client.get(path, headers=api_server.org_headers())
    assert again.status_code == 429
    assert _limited() == before + 2
