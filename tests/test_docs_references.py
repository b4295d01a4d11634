"""What README.md and docs/*.md name exists: every `shadows` command and its flags, every `python -m bench|agent|judge`
command and flag, every make target, every repository path in code, and every `METHOD /path` of the API (or of the
judge service); and the Auth table of docs/architecture.md says who may call every route the app answers. A command,
flag, route or file renamed in code and left in the docs fails here."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import typer.main

from api.cli import app as cli_app
from judge import remote_protocol
from tests.api.route_table import ROUTES

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Judge0's own API, which docs/judge.md describes beside ours.
JUDGE0_ROUTES = {"GET /submissions/{}", "POST /submissions"}
JUDGE_SERVICE_ROUTES = {
    "GET /healthz",
    "GET /readyz",
    "GET /metrics",
    f"POST {remote_protocol.RUNS_PATH}",
    f"POST {remote_protocol.RUNS_BY_DIGEST_PATH}",
    f"PUT {remote_protocol.TESTS_PATH}",
}
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _code(text: str) -> list[str]:
    """The code in a Markdown text: fenced blocks' lines and inline spans (commands and paths are written as code)."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.M | re.S)
    prose = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.M | re.S)
    return [line for block in fenced for line in block.splitlines()] + re.findall(r"`([^`\n]+)`", prose)


@cache
def _snippets() -> list[tuple[str, str]]:
    return [(p.relative_to(ROOT).as_posix(), s) for p in DOCS for s in _code(p.read_text(encoding="utf-8"))]


def _norm(path: str) -> str:
    """`/v1/sessions/{session_id}`, `/v1/sessions/{id}` and `/v1/tests/DIGEST` alike: parameters as `{}`."""
    path = re.sub(r"\{[^}]*\}|(?<=/)[A-Z][A-Z_]+(?=/|$)", "{}", path)
    return path.rstrip("/") or "/"


def _api_routes() -> set[str]:
    return {f"{k.split(' ', 1)[0]} {_norm(k.split(' ', 1)[1])}" for k in ROUTES}


def test_every_shadows_command_and_flag_the_docs_name_exists() -> None:
    root = typer.main.get_command(cli_app)
    seen, wrong = 0, []
    for where, snippet in _snippets():
        for m in re.finditer(r"(?<![\w./-])(?:\.venv/bin/)?shadows((?: [a-z][a-z-]*)+)([^|;&#`]*)", snippet):
            command: Any = root
            for word in m[1].split():
                if word not in getattr(command, "commands", {}):  # a group's subcommands (typer's own click)
                    break
                command = command.commands[word]
            if command is root:
                wrong.append(f"{where}: {m[0]}")
                continue
            seen += 1
            flags = {o for p in command.params for o in p.opts if o.startswith("--")}
            wrong += [f"{where}: {m[0]} ({f})" for f in re.findall(r"--[a-z][a-z-]*", m[2]) if f not in flags]
    assert seen > 30  # the docs were read
    assert wrong == []


def test_every_python_module_command_the_docs_name_exists() -> None:
    """`python -m bench NAME [--flag]` runs bench/NAME*.py, whose parser defines the flag; `python -m agent|judge WORD`
    is one of their commands."""
    sources = {
        "agent": (ROOT / "agent" / "__main__.py").read_text(encoding="utf-8"),
        "judge": (ROOT / "judge" / "__main__.py").read_text(encoding="utf-8"),
    }
    seen, wrong = 0, []
    for where, snippet in _snippets():
        for m in re.finditer(r"python -m (bench|agent|judge)((?: [a-z_][a-z_\\|-]*)?)([^|;&#`]*)", snippet):
            module, words, rest = m[1], m[2].split(), m[3]
            if not words:
                continue
            seen += 1
            if module != "bench":
                if f'"{words[0]}"' not in sources[module]:
                    wrong.append(f"{where}: {m[0]}")
                continue
            for name in words[0].replace("\\", "").split("|"):
                files = sorted((ROOT / "bench").glob(f"{name}*.py"))
                text = "".join(f.read_text(encoding="utf-8") for f in files)
                if not files:
                    wrong.append(f"{where}: python -m bench {name}")
                flags = re.findall(r"(?<![\w-])--[a-z][a-z-]*", rest) if len(words) == 1 else []
                wrong += [f"{where}: {m[0]} ({f})" for f in flags if f'"{f}"' not in text]
    assert seen > 30
    assert wrong == []


def test_every_make_target_the_docs_name_exists() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    named = {(where, t) for where, s in _snippets() for t in re.findall(r"(?<![\w-])make ([a-z][a-z-]*)", s)}
    assert {"dev", "test"} <= {t for _, t in named}
    assert sorted(f"{where}: make {t}" for where, t in named if t not in targets) == []


def test_every_repository_path_the_docs_name_exists() -> None:
    """A path under one of the repository's top directories, in code. `X`, `NAME` and the like stand for any name;
    `tests/fakes/llm.FakeLLM` is a module's attribute."""
    tops = "agent|api|bench|deploy|docs|grader|judge|prompts|questions|scripts|supabase|tests|web"
    pattern = re.compile(rf"(?<![\w./-])((?:{tops})/[\w./-]*)")
    missing = []
    for where, snippet in _snippets():
        for m in pattern.finditer(snippet):
            path = m[1].rstrip(".,:;")
            if any(c in snippet[m.end() : m.end() + 1] for c in "{<*") or path.startswith("web/dist/"):
                continue  # a pattern, not a path; or what the web build writes
            glob = re.sub(r"(?<![a-z])[A-Z][A-Z_]*(?![a-z])", "*", path)
            module = re.sub(r"\.[A-Z]\w*$", ".py", path)
            if not (any(ROOT.glob(glob)) or (ROOT / module).exists()):
                missing.append(f"{where}: {path}")
    assert missing == []


def test_every_route_the_docs_name_exists_with_its_method() -> None:
    api = _api_routes()
    paths = {r.split(" ", 1)[1] for r in api}
    judge = {f"{r.split(' ', 1)[0]} {_norm(r.split(' ', 1)[1])}" for r in JUDGE_SERVICE_ROUTES}
    wrong, seen = [], 0
    method_path = re.compile(rf"\b({'|'.join(METHODS)}) +(/[\w{{}}./-]*)")
    for path_of in DOCS:
        where = path_of.relative_to(ROOT).as_posix()
        text = path_of.read_text(encoding="utf-8")
        for m in method_path.finditer(text):
            if text[m.end() : m.end() + 1] in ("…", "<", "*"):
                continue  # `/v1/integrations/…/keys`, `/v1/reports/<share token>`: a pattern, not a path
            route = f"{m[1]} {_norm(m[2].rstrip('.,:;'))}"
            seen += 1
            if route not in api and not (where == "docs/judge.md" and route in judge | JUDGE0_ROUTES):
                wrong.append(f"{where}: {m[0]}")
        for m in re.finditer(r"(?<![\w.:/-])(?:/v1/|/integrations/)[\w{}./*|…<>-]*", text):
            if any(c in m[0] for c in "*|…<>"):
                continue  # a pattern: `/v1/internal/*`, `/integrations/greenhouse|ashby/*`
            path = _norm(m[0].rstrip(".,:;-"))
            if where == "docs/judge.md" and any(r.endswith(" " + path) for r in judge):
                continue
            if path not in paths and not any(p.startswith(path + "/") for p in paths):
                wrong.append(f"{where}: {m[0]}")
    assert seen > 100
    assert wrong == []


# docs/architecture.md's Auth table: its "caller" column for each kind of caller of tests/api/route_table.py.
CALLERS = {
    "org": "organisation",
    "report": "organisation, or the candidate of a practice session (coaching view)",
    "candidate": "candidate",
    "join": "candidate",
    "internal": "agent",
    "webhook": "LiveKit",
    "greenhouse": "Greenhouse, Ashby",
    "ashby": "Greenhouse, Ashby",
    "link": "whoever holds a link",
    "public": "anyone",
}


def _auth_table() -> dict[str, list[re.Pattern[str]]]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("\n## Auth\n", 1)[1].strip().split("\n\n", 1)[0]
    table: dict[str, list[re.Pattern[str]]] = {}
    for row in section.splitlines()[2:]:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row.strip("|"))]
        patterns = []
        for code in re.findall(r"`([^`]+)`", cells[2].replace("\\|", "|")):
            method, _, path = code.rpartition(" ")
            if not path.startswith("/"):
                continue
            body = re.escape(_norm(path)).replace(r"\{\}", r"\{\}").replace(r"\*", ".*")
            body = body.replace(r"\(", "(").replace(r"\)", ")").replace(r"\|", "|")
            patterns.append(re.compile(rf"{method or '[A-Z]+'} {body}"))
        table[cells[0]] = patterns
    return table


def test_the_auth_table_says_who_may_call_every_route() -> None:
    table = _auth_table()
    assert set(CALLERS.values()) <= set(table), sorted(table)
    unstated = sorted(
        f"{route} ({spec.kind})"
        for route, spec in ROUTES.items()
        for method, path in [route.split(" ", 1)]
        if not any(p.fullmatch(f"{method} {_norm(path)}") for p in table[CALLERS[spec.kind]])
    )
    assert unstated == []


def test_the_readme_sets_up_with_two_commands() -> None:
    """README: one sentence of what it is, then exactly the two commands (run it; test it)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"^```bash\n(.*?)^```", readme, re.M | re.S)
    assert first is not None
    assert [line.split("#")[0].strip() for line in first[1].splitlines()] == ["make dev", "make test"]
