"""The files Vite built for a page entry (its script, styles and shared chunks), read from web/dist's manifest so
that server-rendered pages can load the replay and analytics bundles by their content-hashed names."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger(__name__)

REPLAY_ENTRY = "src/replay/main.ts"
ANALYTICS_ENTRY = "src/analytics/main.ts"


@dataclass(frozen=True)
class Entry:
    script: str  # URL path, e.g. /assets/replay-1a2b3c.js
    styles: tuple[str, ...]
    preload: tuple[str, ...]  # chunks the script imports (modulepreload)


class WebAssets:
    """Reads `.vite/manifest.json` under `web_dir`, again whenever the file changes (a rebuild while serving)."""

    def __init__(self, web_dir: Path) -> None:
        self._path = web_dir / ".vite" / "manifest.json"
        self._stamp: float | None = None
        self._manifest: dict[str, Any] = {}

    def _load(self) -> dict[str, Any]:
        try:
            stamp = self._path.stat().st_mtime
        except OSError:
            self._stamp, self._manifest = None, {}
            return self._manifest
        if stamp != self._stamp:
            try:
                manifest = json.loads(self._path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                log.warning("web.manifest_unreadable", error_type=type(e).__name__)
                manifest = {}
            self._stamp, self._manifest = stamp, manifest if isinstance(manifest, dict) else {}
        return self._manifest

    def entry(self, name: str) -> Entry | None:
        """The entry's files, or None when web/dist was not built with it."""
        manifest = self._load()
        chunk = manifest.get(name)
        if not isinstance(chunk, dict) or not isinstance(chunk.get("file"), str):
            return None
        styles: list[str] = []
        preload: list[str] = []
        seen: set[str] = set()

        def walk(key: str, top: bool) -> None:
            if key in seen or not isinstance(manifest.get(key), dict):
                return
            seen.add(key)
            c = manifest[key]
            styles.extend(f"/{css}" for css in c.get("css", []) if f"/{css}" not in styles)
            if not top:
                preload.append(f"/{c['file']}")
            for imported in c.get("imports", []):
                walk(imported, False)

        walk(name, True)
        return Entry(script=f"/{chunk['file']}", styles=tuple(styles), preload=tuple(preload))
