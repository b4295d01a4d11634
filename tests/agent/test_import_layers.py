"""Imports run one way. The house's packages import down its floors only: the judge and the prompts at the ground,
the grader above them, the agent above it, the API on top (a piece that packages share lives in the lowest of them:
the HTTP protocol both servers use is the judge's, judge/http_protocol.py). The agent's modules import one another
one way: no module reaches, through any chain of imports, one that imports it. Every import counts, those
under ``TYPE_CHECKING`` and inside functions too: a circle of them is a circle of concepts (the interview state's
parts, as plain data, sit below the functions that act on the whole state). Imports by name at run time
(``importlib``) are not syntax and are not read here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AGENT = ROOT / "agent"
# The house's floors, the ground first: a package may import only packages on floors below its own.
FLOORS = [("judge", "prompts"), ("grader",), ("agent",), ("api",)]


def imports_of(source: str, package: str = "agent") -> set[str]:
    """The modules of ``package`` that ``source`` imports, wherever in it (``from agent import x`` names ``x``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
            names = [node.module]
            if node.module == package:
                names = [f"{package}.{a.name}" for a in node.names]
        else:
            continue
        found.update(n.split(".")[1] for n in names if n.startswith(f"{package}."))
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of two or more modules that import one another through some chain (Tarjan's strongly connected
    components; iterative, so a deep chain of imports does not reach the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def packages_of(source: str) -> set[str]:
    """The top-level packages ``source`` imports, wherever in it (a relative import stays inside its own)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
            found.add(node.module.split(".")[0])
    return found


def floor_breaks(sources: dict[str, str]) -> list[str]:
    """``path -> package`` for each import of a package on the importing file's own floor or above it (``sources``:
    the source of each file, by its path from the root)."""
    floor = {package: level for level, packages in enumerate(FLOORS) for package in packages}
    breaks = set()
    for path, source in sources.items():
        own = path.split("/")[0]
        barred = {p for p in floor if p != own and floor[p] >= floor[own]}
        # Only a file that names a barred package can import it: the rest (most of the house) is not parsed.
        if barred and re.search(rf"\b(?:{'|'.join(barred)})\b", source):
            breaks.update(f"{path} -> {target}" for target in packages_of(source) & barred)
    return sorted(breaks)


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    graph = {p.stem: imports_of(p.read_text(encoding="utf-8")) for p in package_dir.glob("*.py")}
    return {module: targets - {module} for module, targets in graph.items()}


def test_each_package_imports_only_packages_on_the_floors_below_it() -> None:
    sources = {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for packages in FLOORS
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    every_floor = {
        "judge/serve.py",
        "prompts/__init__.py",
        "grader/claims.py",
        "agent/worker.py",
        "api/app.py",
    }
    assert every_floor <= set(sources)
    assert floor_breaks(sources) == []


def test_the_floor_rule_sees_the_judge_importing_the_api_however_it_is_written() -> None:
    ways = [
        "from api.settings import ApiSettings\n",
        "import api.server_options\n",
        "from api import deps\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from api.app import create_app\n",
        "def serve():\n    import api\n",
    ]
    for way in ways:
        assert floor_breaks({"judge/serve.py": way}) == ["judge/serve.py -> api"], way
    # Down the floors, and within a package, is the rule kept; beside or up, broken.
    assert floor_breaks({"api/a.py": "from judge import x\nimport grader.y\nimport api.z\n"}) == []
    assert floor_breaks({"judge/a.py": "import prompts\n", "grader/b.py": "from agent import state\n"}) == [
        "grader/b.py -> agent",
        "judge/a.py -> prompts",
    ]


def test_no_agent_module_imports_itself_through_others():
    graph = import_graph(AGENT)
    assert len(graph) > 50  # the whole package was read
    assert {"own_line", "pending_hint", "turn_budget", "turn_decision"} <= graph["state"]
    assert circles(graph) == []


def test_the_rule_sees_a_circle_closed_only_under_type_checking_or_inside_a_function():
    state = "from typing import TYPE_CHECKING\nfrom agent.own_line import OwnLine\n"
    own_line = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from agent.state import InterviewState\n"
    )
    hints = "def settle():\n    from agent import state\n"
    graph = {
        "state": imports_of(state),
        "own_line": imports_of(own_line),
        "hints": imports_of(hints),
        "leaf": set(),
    }
    assert circles(graph) == [["own_line", "state"]]
    graph["state"].add("hints")
    assert circles(graph) == [["hints", "own_line", "state"]]


def test_each_phase_the_phase_agent_hands_off_to_is_the_tables_own() -> None:
    """agent.phase_agent builds the next phase's agent from the class a tool names (it may not import agent.phases,
    which imports it), not through ``make_phase_agent``: so every phase class must be the one ``PHASE_AGENTS``
    holds for its phase, or a handoff and a resumed job would build different agents for one phase."""
    from agent import phases
    from agent.phase_agent import PhaseAgent

    classes = [c for c in vars(phases).values() if isinstance(c, type) and issubclass(c, PhaseAgent)]
    assert len(classes) >= 7  # the seven phase classes were found
    for cls in classes:
        if cls is not PhaseAgent:
            assert phases.PHASE_AGENTS[cls.phase] is cls, cls
