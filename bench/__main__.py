"""`python -m bench [NAME] [ARGS...]`: run the benchmark modules `bench/NAME*.py` (each exposes `main()`).

With no NAME, list the benchmarks and run every one of them with default arguments. A module's `main` may take
`argv: list[str] | None`; one that takes nothing reads `sys.argv`, which is set to `["bench NAME", *ARGS]`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def module_names() -> list[str]:
    """Every `bench/<module>.py` not starting with `_`, sorted (not imported: one bench's imports never break
    another's)."""
    return sorted(
        m.name for m in pkgutil.iter_modules([str(PACKAGE_DIR)]) if not m.ispkg and not m.name.startswith("_")
    )


def load(names: list[str]) -> dict[str, Callable[..., object]]:
    """The callable `main` of each named module; modules without one are skipped."""
    found: dict[str, Callable[..., object]] = {}
    for name in names:
        main = getattr(importlib.import_module(f"bench.{name}"), "main", None)
        if callable(main):
            found[name] = main
    return found


def _call(name: str, main: Callable[..., object], args: list[str]) -> int:
    print(f"== bench {name} {' '.join(args)}".rstrip(), flush=True)
    if inspect.signature(main).parameters:
        result = main(args)
    else:
        saved = sys.argv
        sys.argv = [f"bench {name}", *args]
        try:
            result = main()
        finally:
            sys.argv = saved
    return result if isinstance(result, int) else 0


def run(argv: list[str]) -> int:
    names = module_names()
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m bench [NAME] [ARGS...]   (NAME selects bench/NAME*.py)")
        print("benchmarks: " + (", ".join(names) or "none"))
        if argv:
            return 0
        name, args = "", []
    else:
        name, args = argv[0], argv[1:]
    selected = [n for n in names if n == name] or [n for n in names if n.startswith(name)]
    chosen = load(selected)
    if not chosen:
        print(f"no benchmark matches {name!r}; have: {', '.join(names) or 'none'}", file=sys.stderr)
        return 2
    worst = 0
    for n, main in chosen.items():
        worst = max(worst, _call(n, main, args))
    return worst


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
