"""Judge backends, chosen by name from settings: `local` (the bubblewrap sandbox, default), `judge0`, or `remote`
(judge services over HTTP)."""

from __future__ import annotations

from typing import Protocol

from judge.schemas import RunReport, RunRequest


class Backend(Protocol):
    name: str

    async def start(self) -> None: ...

    async def run(self, request: RunRequest) -> RunReport: ...

    async def aclose(self) -> None: ...
