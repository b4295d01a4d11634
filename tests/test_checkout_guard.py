"""The guard that keeps a test run out of the checkout (tests/checkout_guard.py, checked after every test by the
autouse `data_dir` fixture) sees what a test writes there, and lets the allowed caches and builds be."""

from __future__ import annotations

import os
import time
from pathlib import Path

from api.settings import ApiSettings
from tests.checkout_guard import changes, snapshot
from tests.conftest import ROOT, child_env


def test_the_guard_sees_a_dump_written_into_the_checkouts_data_directory(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "app.py").write_text("x")
    before = snapshot(tmp_path)
    dump = tmp_path / ".data" / "artifacts" / "sessions" / "ses_1" / "session.json"
    dump.parent.mkdir(parents=True)
    dump.write_text("{}")
    assert ".data/artifacts/sessions/ses_1/session.json" in changes(before, snapshot(tmp_path))

    # Rewritten in place (same name): still seen under .data.
    before = snapshot(tmp_path)
    os.utime(dump, ns=(1, 1))
    assert changes(before, snapshot(tmp_path)) == [".data/artifacts/sessions/ses_1/session.json"]

    # A stray file anywhere else is seen too.
    before = snapshot(tmp_path)
    (tmp_path / "api" / "out.json").write_text("{}")
    assert changes(before, snapshot(tmp_path)) == ["api/out.json"]


def test_the_guard_lets_caches_builds_and_screenshots_be(tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    for allowed in (
        "api/__pycache__/app.cpython-311.pyc",
        ".pytest_cache/v/cache/nodeids",
        ".hypothesis/unicode_data/14.0.0/charmap.json.gz",
        "web/dist/assets/index.js",
        "web/.build.lock",
        "tests/web/artifacts/join/1.png",
        ".data/postgres/base/1",
    ):
        (tmp_path / allowed).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / allowed).write_text("x")
    # The parents the allowed places live in (web/, tests/web/, .data/) are new here; in a checkout they exist.
    assert set(changes(before, snapshot(tmp_path))) <= {"api", "web", "tests", "tests/web", ".data"}


def test_settings_built_in_a_test_and_its_children_write_into_the_tests_own_data_directory(
    data_dir: Path,
) -> None:
    settings = ApiSettings(_env_file=None)  # type: ignore[call-arg]  # pydantic-settings init kwarg
    assert settings.artifacts_dir == data_dir / "artifacts"
    assert not settings.artifacts_dir.is_relative_to(ROOT)
    assert child_env(("SHADOWS_",))["SHADOWS_API_DATA_DIR"] == str(data_dir)


def test_the_guard_sees_names_added_in_a_directory_it_listed_before(tmp_path: Path) -> None:
    # Directories are listed again only when their time moves (tests/checkout_guard.py `_listing`): a file added
    # deep inside, one added just after a listing (a coarse clock may leave the directory's time as it was) and a
    # renamed one are all seen, at once and after the directory has aged.
    deep = tmp_path / "api" / "db"
    deep.mkdir(parents=True)
    (deep / "repo.py").write_text("x")
    old = 1_000_000_000  # long ago: a listing of it is kept
    for path in (deep, deep.parent, tmp_path):
        os.utime(path, ns=(old, old))
    before = snapshot(tmp_path)
    (deep / "stray.json").write_text("{}")
    assert changes(before, snapshot(tmp_path)) == ["api/db/stray.json"]
    # A name added within the clock tick of the listing leaves the directory's time as the listing read it
    # (set back here by hand): seen all the same, the time being recent.
    tick = time.time_ns()
    os.utime(deep, ns=(tick, tick))
    listed = snapshot(tmp_path)
    (deep / "second.json").write_text("{}")
    os.utime(deep, ns=(tick, tick))
    assert changes(listed, snapshot(tmp_path)) == ["api/db/second.json"]
    before = snapshot(tmp_path)
    (deep / "second.json").rename(deep / "third.json")
    assert changes(before, snapshot(tmp_path)) == ["api/db/second.json", "api/db/third.json"]
