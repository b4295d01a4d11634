"""The API document and its viewers: Swagger UI and ReDoc from assets bundled in the `fastapi-offline` wheel
(nothing is fetched from a CDN), security schemes so "Authorize" works, and documented error responses.

`/openapi.json` is the public document: the agent's internal routes and the LiveKit webhook are left out, and so are
the schemas only they use (their bodies: the agent's events, its completion). Asked with
the internal service token as bearer, it is the complete document, every route included, so the agent's routes are
held to a contract too (the schemathesis run of tests/api/test_fuzz.py loads it that way).

Which credential an operation takes comes from its auth dependency (api/deps.py declares the bearer schemes,
api/integrations/partner_schemes.py the ATS partners' HTTP Basic ones, in the document only), and whether it may
answer 429 past the limits on guessed credentials from its guard (`guess_limits.lookup_guard`, the ATS partners'
Basic keys included), so a new route is documented correctly without repeating itself.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles

from api import guess_limits
from api.deps import bearer
from api.error_codes import ERROR_CODES
from api.errors import UnauthorizedError
from api.openapi_errors import RETRY_AFTER
from api.security import one_of_secrets
from api.settings import ApiSettings

ASSETS = Path(fastapi_offline.__file__).with_name("static")
ASSETS_URL = "/docs-assets"
OPENAPI_URL = "/openapi.json"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "enum": sorted(ERROR_CODES)},
                "message": {"type": "string", "description": "For people; may change. Match on `code`."},
            },
        },
        "fields": {
            "type": "array",
            "description": "422 validation errors only: each invalid field",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

STATUS_TEXT = {
    400: "Bad request",
    401: "Missing or invalid credentials",
    403: "Not allowed",
    404: "Not found",
    409: "Conflicts with the session's state",
    410: "Expired",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Rate limited",
    500: "Internal error",
    503: "Unavailable; retry",
}

HIDDEN_PREFIXES = ("/v1/internal/", "/v1/livekit/webhook")


def _error_table() -> str:
    rows = "\n".join(f"| `{code}` | {status} | {text} |" for code, (status, text) in ERROR_CODES.items())
    return (
        '\n\n## Errors\n\nEvery error is `{"error": {"code", "message"}}` with a stable `code`:\n\n'
        "| code | status | meaning |\n|---|---|---|\n" + rows
    )


def _name_codes(responses: dict[str, Any]) -> None:
    """A route's declared error responses (api/openapi_errors.py) say in words what the status means; add the codes
    that status can carry, as the generated ones have them."""
    for status, response in responses.items():
        codes = [c for c, (s, _) in ERROR_CODES.items() if str(s) == status]
        described = response.get("description", "")
        named = any(f"`{c}`" in described for c in codes)
        if codes and not named and "application/json" in response.get("content", {}):
            response["description"] = f"{described} Codes: " + ", ".join(f"`{c}`" for c in codes)


def _errors_as_json(responses: dict[str, Any], error_ref: str) -> None:
    """FastAPI files a declared error model under the route's own media type (text/html for the report and analytics
    pages); the error handler answers JSON whatever the route, so the document says JSON."""
    for status, response in responses.items():
        content = response.get("content", {})
        if status[:1] not in ("4", "5") or "application/json" in content:
            continue
        for media, body in list(content.items()):
            if body.get("schema") == {"$ref": error_ref}:
                content["application/json"] = content.pop(media)


def build_openapi(app: FastAPI, *, internal: bool = False) -> dict[str, Any]:
    """The document, error responses declared per operation; without `internal`, the internal routes left out.
    Security schemes come from the auth dependencies (api/deps.py), so "Authorize" in Swagger UI fills the right
    header."""
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=(app.description or "") + _error_table(),
        routes=app.routes,
        tags=app.openapi_tags,
    )
    components = doc.setdefault("components", {})
    if not internal:
        doc["paths"] = {p: ops for p, ops in doc["paths"].items() if not p.startswith(HIDDEN_PREFIXES)}
        schemes = components.get("securitySchemes", {})
        schemes.pop("ServiceToken", None)  # only internal routes use it, and they are not in this document
    schemas = components.setdefault("schemas", {})
    # Routes that declare their errors use api.openapi_errors.ErrorResponse; the rest get the same shape here.
    error_ref = (
        "#/components/schemas/ErrorResponse" if "ErrorResponse" in schemas else "#/components/schemas/Error"
    )
    if "ErrorResponse" not in schemas:
        schemas["Error"] = ERROR_SCHEMA
    limited = guess_limited_operations(app)
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            auth = next(iter(op["security"][0]), None) if op.get("security") else None
            # Any request: 400 for a query naming a parameter twice or two Authorization headers, 422 for a NUL.
            statuses = {400, 422, 500}
            if auth:
                statuses |= {401}
            if "{session_id}" in path:
                statuses |= {404}
            if auth == "Invite":
                statuses |= {409, 410}
            if (path, method) in limited:  # its guard looks a credential up: guesses are limited
                statuses |= {429}
            responses = op.setdefault("responses", {})
            responses.pop("422", None)  # FastAPI's default describes its own body; ours is the Error shape
            for status in sorted(statuses):
                codes = ", ".join(f"`{c}`" for c, (s, _) in ERROR_CODES.items() if s == status)
                entry: dict[str, Any] = {
                    "description": f"{STATUS_TEXT[status]}: {codes}",
                    "content": {"application/json": {"schema": {"$ref": error_ref}}},
                }
                if status == 429:
                    entry["headers"] = RETRY_AFTER
                responses.setdefault(str(status), entry)
            _errors_as_json(responses, error_ref)
            _name_codes(responses)
    for unused in ("HTTPValidationError", "ValidationError"):
        components["schemas"].pop(unused, None)
    if not internal:  # the hidden routes' bodies (the agent's events, its completion) are theirs alone
        kept = _reachable_schemas(doc)
        components["schemas"] = {name: s for name, s in components["schemas"].items() if name in kept}
    return doc


def _calls(dependant: Dependant) -> Iterator[Any]:
    """Every dependency `dependant` solves, its sub-dependencies included."""
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def guess_limited_operations(app: FastAPI) -> set[tuple[str, str]]:
    """(path, lower-case method) of every operation a dependency marked `guess_limits.lookup_guard` guards: it may
    answer 429 with Retry-After past the limits on guessed credentials (api/guess_limits.py), whatever its scheme
    (a bearer, an ATS's Basic key, an organisation key or a practice invite on a report)."""
    # An included router's routes are contexts carrying the router's own dependencies too.
    return {
        (str(route.path_format), method.lower())
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        and any(map(guess_limits.is_lookup_guard, _calls(route.dependant)))
        for method in route.methods or ()
    }


SCHEMA_REF = "#/components/schemas/"


def _refs(node: Any) -> set[str]:
    """The names of the component schemas `node` refers to (not those they refer to in turn)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
                found.add(ref.removeprefix(SCHEMA_REF))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _reachable_schemas(doc: dict[str, Any]) -> set[str]:
    """The component schemas the document's paths use, directly or through other schemas."""
    schemas = doc.get("components", {}).get("schemas", {})
    found = _refs(doc["paths"])
    todo = list(found)
    while todo:
        for name in _refs(schemas.get(todo.pop(), {})) - found:
            found.add(name)
            todo.append(name)
    return found


# The viewers run only what we ship: no CDN, no fonts, no images from elsewhere (ReDoc's sidebar links a Redocly
# logo from its CDN; this policy keeps the browser from fetching it). Swagger UI starts from an inline script.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def _with_policy(response: HTMLResponse) -> HTMLResponse:
    response.headers["Content-Security-Policy"] = DOCS_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _is_internal(request: Request) -> bool:
    """Whether the caller presents the internal service token (anything else, or nothing, reads the public one)."""
    try:
        token = bearer(request)
    except UnauthorizedError:
        return False
    settings: ApiSettings = request.app.state.settings
    return one_of_secrets(token, settings.internal_tokens)


def _document(app: FastAPI, internal: bool) -> dict[str, Any]:
    documents: dict[bool, dict[str, Any]] = app.state.openapi_documents  # built once each, on first request
    if internal not in documents:
        documents[internal] = build_openapi(app, internal=internal)
    return documents[internal]


def _body(app: FastAPI, internal: bool, gzipped: bool) -> bytes:
    """The document as served: a few hundred kB of JSON that an anonymous caller may ask for in a loop, so it is
    encoded (and compressed) once per app, not on every request (about 10 ms of CPU each)."""
    bodies: dict[tuple[bool, bool], bytes] = app.state.openapi_bodies  # (internal, gzip) -> the served bytes
    if (internal, gzipped) not in bodies:
        if gzipped:
            bodies[internal, True] = gzip.compress(_body(app, internal, False), compresslevel=6, mtime=0)
        else:
            raw = json.dumps(
                _document(app, internal), ensure_ascii=False, allow_nan=False, separators=(",", ":")
            )
            bodies[internal, False] = raw.encode()
    return bodies[internal, gzipped]


# The handlers below reach their app through the request, never a closure: FastAPI keeps every endpoint it has
# classified in a process-wide cache (fastapi.dependencies.models, 4,096 of them), and an endpoint closed over its
# app kept that app, with its state, alive for as long as the process (an app a test, in the test suite).
async def read_openapi(request: Request) -> Response:
    internal = _is_internal(request)
    gzipped = "gzip" in request.headers.get("accept-encoding", "")  # as the GZip middleware decides
    headers = {"Vary": "Authorization, Accept-Encoding"}
    if gzipped:
        headers["Content-Encoding"] = "gzip"  # the GZip middleware passes an encoded body through
    if internal:
        headers["Cache-Control"] = "no-store"
    return Response(_body(request.app, internal, gzipped), media_type="application/json", headers=headers)


async def swagger_ui(request: Request) -> HTMLResponse:
    return _with_policy(
        get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title=f"{request.app.title} · Swagger UI",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            swagger_ui_parameters={"persistAuthorization": True},
        )
    )


async def redoc(request: Request) -> HTMLResponse:
    return _with_policy(
        get_redoc_html(
            openapi_url=OPENAPI_URL,
            title=f"{request.app.title} · ReDoc",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
    )


def install_docs(app: FastAPI) -> None:
    """Swagger UI at /docs and ReDoc at /redoc from bundled assets; the document at /openapi.json (the app is
    created with `openapi_url=None`: this route serves it)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")
    app.state.openapi_documents = {}
    app.state.openapi_bodies = {}
    # FastAPI's documented way to customise the document (a cycle with the app, freed with it).
    app.openapi = functools.partial(_document, app, False)  # type: ignore[method-assign]
    app.add_api_route(OPENAPI_URL, read_openapi, methods=["GET"], include_in_schema=False)
    app.add_api_route("/docs", swagger_ui, methods=["GET"], include_in_schema=False)
    app.add_api_route("/redoc", redoc, methods=["GET"], include_in_schema=False)
