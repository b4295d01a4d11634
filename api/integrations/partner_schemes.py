"""The HTTP Basic security schemes the ATS partner routes declare in the OpenAPI document (`GreenhouseKey`,
`AshbyKey`), so the document says which credential each route takes and "Authorize" in /docs fills it.

Declared only: `api.integrations.keys` reads and checks the header itself. FastAPI's `HTTPBasic` would answer a
malformed header with its own 401 (`{"detail": ...}` and `WWW-Authenticate: Basic`) before our check ran, even with
`auto_error=False`, where the partners are documented to get `{"error": {"code", "message"}}` (and Ashby its
`message`) with our codes; and a `WWW-Authenticate` challenge would have browsers prompt for a key no browser holds.
"""

from __future__ import annotations

from fastapi.openapi.models import HTTPBase
from fastapi.security.base import SecurityBase


class DeclaredBasic(SecurityBase):
    """HTTP Basic in the document; as a dependency it reads nothing and never refuses."""

    def __init__(self, *, scheme_name: str, description: str) -> None:
        self.model = HTTPBase(scheme="basic", description=description)
        self.scheme_name = scheme_name

    async def __call__(self) -> None:
        return None


GREENHOUSE_SCHEME = DeclaredBasic(
    scheme_name="GreenhouseKey",
    description=(
        "HTTP Basic: the organisation's Greenhouse key (`shgh_…`, `POST /v1/integrations/greenhouse/keys`) as the"
        " user name, a blank password."
    ),
)
ASHBY_SCHEME = DeclaredBasic(
    scheme_name="AshbyKey",
    description=(
        "HTTP Basic: the organisation's Ashby partner key (`shab_…`, `POST /v1/integrations/ashby/keys`) as the"
        " user name, a blank password."
    ),
)
