"""House rules that hold across the code base, checked on its syntax."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agent", "api", "grader", "judge")
_ENV = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def _touches_env(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in _ENV and getattr(node.value, "id", None) == "os"
    if isinstance(node, ast.ImportFrom):
        return node.module == "os" and bool({a.name for a in node.names} & _ENV)
    return False


def _env_uses(tree: ast.AST) -> list[int]:
    return sorted(node.lineno for node in ast.walk(tree) if _touches_env(node))  # type: ignore[attr-defined]


def test_only_the_settings_modules_read_or_write_the_environment():
    # Settings come from one place a test can override (get_settings); anything else touching os.environ is
    # configuration nobody can see in .env.example, or a write another test inherits.
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "settings.py"
        for line in _env_uses(ast.parse(path.read_text(), str(path)))
    ]
    assert found == []


def test_the_rule_sees_each_way_of_touching_the_environment():
    uses = "import os\nfrom os import getenv\nos.environ['A'] = '1'\nos.getenv('B')\nos.putenv('C', '')\n"
    assert _env_uses(ast.parse(uses)) == [2, 3, 4, 5]
