"""The bodies a route reads itself are held to the same rule as those in the API document (tests/api/
test_request_bounds.py): every field states a bound of its own. Ashby's start and cancel are read by the route
(`api/integrations/ashby.py` `_read`, so that a refusal is the message the recruiter reads), so their models are in no
request body of the OpenAPI document and the walk there never saw them: a field added to them later without a bound
would have passed. Here they are walked as the document's bodies are."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from api.integrations.ashby import CancelAssessment, StartAssessment
from tests.api.test_request_bounds import _unbounded

REF = "#/components/schemas/{model}"
# Read by a route from its raw body: path -> the model it validates.
RAW_BODIES: dict[str, type[BaseModel]] = {
    "/integrations/ashby/assessment.start": StartAssessment,
    "/integrations/ashby/assessment.cancel": CancelAssessment,
}
BOUNDED_ELSEWHERE = {
    "POST /integrations/ashby/assessment.start application/json .candidate.email": "EmailStr: at most 254 characters",
}


def _document(bodies: dict[str, type[BaseModel]]) -> dict[str, Any]:
    """An OpenAPI document holding just these bodies, as the API's own document would."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for path, model in bodies.items():
        schema = model.model_json_schema(ref_template=REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        content = {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}}
        paths[path] = {"post": {"requestBody": {"content": content}}}
    return {"paths": paths, "components": {"schemas": schemas}}


def test_every_field_of_a_body_a_route_reads_itself_has_a_bound() -> None:
    unbounded = _unbounded(_document(RAW_BODIES))
    assert unbounded - set(BOUNDED_ELSEWHERE) == set(), "fields bounded only by the body cap"
    assert set(BOUNDED_ELSEWHERE) - unbounded == set(), "entries for fields that now state their bound"


def test_the_walk_sees_a_field_with_no_bound() -> None:
    class Loose(BaseModel):
        note: str
        tags: list[str]

    assert _unbounded(_document({"/x": Loose})) == {
        "POST /x application/json .note",
        "POST /x application/json .tags",
        "POST /x application/json .tags[]",
    }
