"""One build of each route per test process, shared by the apps the suite makes.

FastAPI builds a route's dependant and its request and response fields for each app that includes its router, on
the first request that walks that router (`_EffectiveRouteContext.from_api_route`): 0.3-0.9 s of CPU an app here,
since every route declares its error responses' models. A deployed API builds them once per process. The suite
makes an app per test (about 2,000, each on its own database) from the same module-level routers, so that build was
a third of an API test's cost. `share_route_builds` keeps one build per route and inclusion, and hands it to every
later app whose inclusion is the same apart from the app itself (the `dependency_overrides_provider`). An app with
dependency overrides builds its own: the handler reads the overrides from the app it was built for. A shared build
is made for no app (no provider, so no overrides, as for every app it serves): made for the first app that asked,
it kept that app alive for the rest of the process, with its settings, caches and state, one app for each route
first reached in a new test.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import routing

_built: dict[int, list[tuple[Any, Any, Any]]] = {}


def share_route_builds() -> None:
    context_type: Any = getattr(routing, "_EffectiveRouteContext", None)
    if context_type is None or getattr(context_type, "_shared_by_tests", False):
        return  # another FastAPI (it builds routes its own way), or already shared
    build = context_type.from_api_route.__func__

    def from_api_route(cls: Any, *, original_route: Any, include_context: Any) -> Any:
        provider = include_context.dependency_overrides_provider
        if getattr(provider, "dependency_overrides", None):
            return build(cls, original_route=original_route, include_context=include_context)
        inclusion = dataclasses.replace(include_context, dependency_overrides_provider=None)
        # Keyed by the route object itself (held here, so its id is never reused by another route).
        builds = _built.setdefault(id(original_route), [])
        for route, seen, context in builds:
            if route is original_route and seen == inclusion:
                return context
        context = build(cls, original_route=original_route, include_context=inclusion)
        builds.append((original_route, inclusion, context))
        return context

    context_type.from_api_route = classmethod(from_api_route)
    context_type._shared_by_tests = True
