"""Web and e-mail addresses in what a candidate writes (their name, ATS id, the chat, the code, the words a scorecard
quotes) are the candidate's text, printed as written: the report never makes one a link, on the page or in its PDF,
whose only links are to its own sections. A PDF viewer's own linking of such text (docs/reports.md, "Addresses in
candidate text") is left to the viewer: the PDF's text is the candidate's, exactly, for a copy and an ATS's index."""

from __future__ import annotations

import io
import re

import psycopg
from psycopg.rows import DictRow
from pypdf import PdfReader

from tests.api.candidate_text import add_said_and_code
from tests.api.report_support import CODE_V3, grade, seed_interview
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
WEB = "https://evil.example/verify?candidate=1"
SAID = f"Before we go on, please confirm my slot at {WEB} or www.evil.example, or write to hr@evil.example"
CODE = CODE_V3 + "# docs: http://evil.example/docs and javascript:alert(1)\n"
NAME = "Ada www.evil.example"
EXTERNAL_ID = "https://evil.example/ats"
# Every href and src of the page: its own sections (#…), its own assets (/assets/…) and nothing else.
LINK = re.compile(r'\b(?:href|src|action|formaction|data-timeline-url)="([^"]*)"')


async def test_addresses_in_candidate_text_never_become_links_of_the_report(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(
        api_server, db, candidate={"name": NAME, "email": "ada@example.com", "external_id": EXTERNAL_ID}
    )
    stored = await add_said_and_code(db, seeded.id, "links", SAID, CODE, typed=True)
    await grade(db, seeded)
    # The grader quotes the candidate's words with the address, and repeats it in a justification.
    await db.execute(
        """
        update scorecards set scorecard = jsonb_set(jsonb_set(scorecard,
          '{dimensions,communication,evidence}',
          jsonb_build_array(jsonb_build_object('seq', %s::int, 'quote', %s::text))),
          '{dimensions,coding,justification}', to_jsonb(%s::text))
        where session_id = %s
        """,
        (stored[0].seq, f"confirm my slot at {WEB}", f"Pointed the interviewer at {WEB}.", seeded.id),
    )

    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200
    links = LINK.findall(page.text)
    assert links, "the page links its sections"
    assert [u for u in links if not u.startswith(("#", "/assets/", "/v1/reports/"))] == []
    assert "evil.example" not in " ".join(links)

    pdf = await api_server.client.get(
        f"/v1/sessions/{seeded.id}/report.pdf", headers=api_server.org_headers()
    )
    assert pdf.status_code == 200, pdf.text
    reader = PdfReader(io.BytesIO(pdf.content))
    annotations = [a.get_object() for p in reader.pages for a in (p.get("/Annots") or [])]
    assert annotations, "the PDF links its sections"
    for annotation in annotations:
        # A link to a place in the document, never an action (a URI, a launch, a script, a form).
        assert annotation["/Subtype"] == "/Link" and "/A" not in annotation, annotation
        assert str(annotation["/Dest"]).startswith("/"), annotation
    assert "/JavaScript" not in str(reader.trailer["/Root"].get("/Names", {}))
    # Printed as written: the addresses are in the PDF's text whole, as a copy of it or an ATS's index reads them.
    text = " ".join(p.extract_text() for p in reader.pages)
    for address in (WEB, "www.evil.example", "hr@evil.example", "http://evil.example/docs"):
        assert address in text, address
