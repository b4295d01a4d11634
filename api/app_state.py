"""Per-process objects a module keeps for the app it serves (caches, spent budgets, guards), made on first use.

They live on `app.state`, not in the module, so each app (each test's app, each replica's worker) has its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from starlette.requests import Request

T = TypeVar("T")


def app_state(request: Request, name: str, factory: Callable[[], T]) -> T:
    """The app's object named `name`, made by `factory` the first time it is asked for."""
    state = request.app.state
    found = getattr(state, name, None)
    if found is None:
        found = factory()
        setattr(state, name, found)
    return cast(T, found)
