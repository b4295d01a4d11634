"""The suite's shared route builds (tests/route_builds.py) hand an app only what it would have built itself."""

from __future__ import annotations

import gc
import weakref

import httpx
from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import _EffectiveRouteContext

from tests.conftest import CLIENT_TLS


def _who() -> str:
    return "built"


router = APIRouter()


@router.get("/who")
async def who(name: str = Depends(_who)) -> dict[str, str]:
    return {"name": name}


other = APIRouter(prefix="/other")
other.add_api_route("/who", who)


def _app(*routers: APIRouter) -> FastAPI:
    app = FastAPI()
    for r in routers:
        app.include_router(r)
    return app


async def _ask(app: FastAPI, path: str = "/who") -> str:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t", verify=CLIENT_TLS
    ) as c:
        r = await c.get(path)
        assert r.status_code == 200, r.text
        return str(r.json()["name"])


async def test_apps_including_a_router_alike_share_one_build_of_each_route() -> None:
    assert getattr(_EffectiveRouteContext, "_shared_by_tests", False), "tests/conftest.py shares route builds"
    first, second = _app(router), _app(router)
    assert await _ask(first) == await _ask(second) == "built"
    built = [list(app.router.routes[-1].effective_route_contexts()) for app in (first, second)]  # type: ignore[attr-defined]
    assert [c.original_route for c in built[0]] == [c.original_route for c in built[1]] == router.routes
    assert all(a is b for a, b in zip(built[0], built[1], strict=True))


async def test_an_app_with_overrides_or_another_inclusion_builds_its_own() -> None:
    plain = _app(router)
    overridden = _app(router)
    overridden.dependency_overrides[_who] = lambda: "overridden"
    assert await _ask(plain) == "built"
    assert await _ask(overridden) == "overridden"
    assert await _ask(_app(router)) == "built"  # the override stays with its app
    # The same endpoint under another router and prefix: its own path, its own build.
    assert await _ask(_app(other), "/other/who") == "built"


async def test_a_shared_build_keeps_no_app_alive() -> None:
    # Built for the first app that asked, a shared build held that app (its `dependency_overrides_provider`) for
    # the rest of the process: one app, with its state, for each route first reached in a new test.
    fresh = APIRouter()
    fresh.add_api_route("/who", who)
    app = _app(fresh)
    assert await _ask(app) == "built"
    gone = weakref.ref(app)
    del app
    gc.collect()
    assert gone() is None
    assert await _ask(_app(fresh)) == "built"  # and the build serves the next app
