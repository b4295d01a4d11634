"""The settings the docs name are the settings the code reads, both ways: every `SHADOWS_*` name in README.md,
.env.example and docs/*.md is a field of one of the settings classes (or read by name elsewhere in the code, as
the worker's and the suite's are), and every field of a settings class is named by at least one of them, under
one of the names it is read by. A setting renamed or removed in code, and left in the docs, fails here; so does a
new one nobody documented."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
from pathlib import Path

import pytest
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "agent", "judge", "grader", "bench")
NAME = re.compile(r"\bSHADOWS_[A-Z0-9_]*[A-Z0-9]\b")
# Named in the docs as gone ("... is no longer read"): kept so that an operator who still sets it learns why.
RETIRED = {"SHADOWS_API_RETENTION_DAYS"}


def _documents() -> dict[Path, str]:
    paths = [ROOT / "README.md", ROOT / ".env.example", *sorted((ROOT / "docs").glob("*.md"))]
    return {p: p.read_text(encoding="utf-8") for p in paths}


def _settings_classes() -> list[type[BaseSettings]]:
    found: list[type[BaseSettings]] = []
    for package in PACKAGES:
        for module in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            if not module.name.rsplit(".", 1)[-1].endswith("settings"):
                continue
            for value in vars(importlib.import_module(module.name)).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, BaseSettings)
                    and value.__module__ == module.name
                    and value not in found
                ):
                    found.append(value)
    return found


def _names_of(cls: type[BaseSettings]) -> dict[str, set[str]]:
    """Each field's environment names: the prefixed field name, and its aliases."""
    prefix = str(cls.model_config.get("env_prefix", ""))
    names: dict[str, set[str]] = {}
    for field, info in cls.model_fields.items():
        read_as = {(prefix + field).upper()}
        alias = info.validation_alias
        if isinstance(alias, str):
            read_as.add(alias.upper())
        elif isinstance(alias, AliasChoices):
            read_as |= {c.upper() for c in alias.choices if isinstance(c, str)}
        names[f"{cls.__name__}.{field}"] = read_as
    return names


def _named_in_code() -> set[str]:
    """`SHADOWS_*` names the code reads by name outside the settings classes (the worker's, scripts, the suite). Not
    the deployment files (reviewV11): they set names, and a name the docs and a manifest both still carry after the
    code stopped reading it had counted as read there."""
    where = [*PACKAGES, "scripts", "web/src", "Makefile", "tests/conftest.py"]
    out = subprocess.run(
        ["git", "grep", "-hoE", r"SHADOWS_[A-Z0-9_]*[A-Z0-9]", "--", *where],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, f"git grep found no names (not a git checkout?): {out.stderr.strip()}"
    return set(out.stdout.split())


def _deployment_files() -> list[Path]:
    """The files that set the settings where the product runs: the manifests, the images, compose."""
    return [
        p
        for p in [ROOT / "compose.yaml", *sorted((ROOT / "deploy").rglob("*"))]
        if p.is_file() and (p.suffix in {".yaml", ".yml", ".toml", ".env"} or p.name.endswith("Dockerfile"))
    ]


def test_every_setting_the_docs_name_is_read_by_the_code() -> None:
    fields = {name for cls in _settings_classes() for names in _names_of(cls).values() for name in names}
    assert len(fields) > 150  # the classes were found
    known = fields | _named_in_code() | RETIRED
    unknown = {
        name: path.relative_to(ROOT).as_posix()
        for path, text in _documents().items()
        for name in NAME.findall(text)
        if name not in known
    }
    assert unknown == {}


def test_every_setting_is_named_in_the_docs_or_the_example_environment() -> None:
    named = {
        name for text in _documents().values() for name in re.findall(r"\b[A-Z][A-Z0-9_]*[A-Z0-9]\b", text)
    }
    undocumented = sorted(
        field for cls in _settings_classes() for field, names in _names_of(cls).items() if not names & named
    )
    assert undocumented == []


def test_every_setting_the_deployment_sets_is_read_by_the_code() -> None:
    """A manifest that sets a name the code no longer reads configures nothing (reviewV11): the operator's value is
    dropped without a word, as a stale name in the docs would mislead."""
    fields = {name for cls in _settings_classes() for names in _names_of(cls).values() for name in names}
    known = fields | _named_in_code() | RETIRED
    files = _deployment_files()
    assert len(files) > 5  # the files were found
    unknown = {
        name: path.relative_to(ROOT).as_posix()
        for path in files
        for name in NAME.findall(path.read_text(encoding="utf-8"))
        if name not in known
    }
    assert unknown == {}


# The names the SDKs and platforms spell themselves (README, "Configuration"); every other name a settings class reads
# carries its class's prefix. An alias is an environment name too: a bare `api_key` alias read `API_KEY`, whoever set
# it, as the grader's key and sent it to the grading server.
SDK_NAMES = {
    "DATABASE_URL",
    "LIVEKIT_URL",
    "LIVEKIT_API_KEY",
    "LIVEKIT_API_SECRET",
    "OPENAI_API_KEY",
    "DEEPGRAM_API_KEY",
    "SUPABASE_URL",
    "SUPABASE_SERVICE_ROLE_KEY",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_SERVICE_NAME",
}
# .env.example values that are not the code's defaults, on purpose: it is copied to .env for local development.
LOCAL_VALUES = {
    "LIVEKIT_URL": "the agent has no default; livekit.yaml's address",
    "LIVEKIT_API_KEY": "the agent has no default; livekit.yaml's development key",
    "LIVEKIT_API_SECRET": "the agent has no default; livekit.yaml's development secret",
    "OPENAI_API_KEY": "empty: to be filled in",
    "DEEPGRAM_API_KEY": "empty: to be filled in",
    "SHADOWS_AGENT_API_TOKEN": "no default; the development value of SHADOWS_API_INTERNAL_TOKEN",
    "SHADOWS_API_LOG_JSON": "readable lines on a developer's terminal (the comment says the default)",
}
ASSIGNED = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*[A-Z0-9])=(.*)$", re.M)


def _env_names(cls: type[BaseSettings], field: str) -> set[str]:
    """The environment names pydantic-settings reads a field under: its aliases when it has any, else prefix+name."""
    alias = cls.model_fields[field].validation_alias
    if isinstance(alias, str):
        return {alias.upper()}
    if isinstance(alias, AliasChoices):
        return {c.upper() for c in alias.choices if isinstance(c, str)}
    return {(str(cls.model_config.get("env_prefix", "")) + field).upper()}


def _example() -> list[tuple[bool, str, str]]:
    """(active, name, value) for each assignment in .env.example, commented-out ones (`# NAME=value`) included."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return [(m[1] is None, m[2], m[3]) for m in ASSIGNED.finditer(text)]


def test_every_setting_reads_its_own_prefix_or_an_sdk_name() -> None:
    stray = {
        f"{cls.__name__}.{field}": name
        for cls in _settings_classes()
        for field in cls.model_fields
        for name in _env_names(cls, field)
        if not name.startswith(str(cls.model_config.get("env_prefix", "")).upper()) and name not in SDK_NAMES
    }
    assert stray == {}


def test_the_example_environment_assigns_every_setting_and_only_those() -> None:
    """Every field has a line `NAME=...` (or `# NAME=...` for one unset by default) in .env.example, and every such
    line names something the code reads: the file is the one place an operator finds them all."""
    assigned = {name for _, name, _ in _example()}
    reads = {
        f"{cls.__name__}.{field}": _env_names(cls, field)
        for cls in _settings_classes()
        for field in cls.model_fields
    }
    assert sorted(field for field, names in reads.items() if not names & assigned) == []
    known = set().union(*reads.values()) | _named_in_code()
    assert sorted(assigned - known) == []


def _plain(value: object) -> object:
    secret = getattr(value, "get_secret_value", None)
    value = secret() if callable(secret) else value
    return value.resolve() if isinstance(value, Path) else value


def test_the_example_environment_shows_the_code_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each active line of .env.example is the default of every class that reads it, apart from LOCAL_VALUES: an
    operator reading `SHADOWS_X=30` there takes 30 for what they get by leaving it out. Relative paths are read from
    the checkout, as `make dev` runs."""
    monkeypatch.chdir(ROOT)
    classes = _settings_classes()
    every_name = {name for cls in classes for field in cls.model_fields for name in _env_names(cls, field)}
    for name in every_name | set(SDK_NAMES):
        monkeypatch.delenv(name, raising=False)
    active = {name: value for on, name, value in _example() if on and name not in LOCAL_VALUES}
    assert len(active) > 150  # the file was read
    defaults = {cls: cls(_env_file=None) for cls in classes}
    for name, value in active.items():
        monkeypatch.setenv(name, value)
    example = {cls: cls(_env_file=None) for cls in classes}
    differ = {
        name: (value, _plain(getattr(defaults[cls], field)))
        for cls in classes
        for field in cls.model_fields
        for name in _env_names(cls, field) & set(active)
        for value in [active[name]]
        if _plain(getattr(example[cls], field)) != _plain(getattr(defaults[cls], field))
    }
    assert differ == {}
