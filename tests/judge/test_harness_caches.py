"""The per-host C++ prelude and Java runtime caches: built on first use, rebuilt when they disappear."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from judge import harness_cpp_prelude, harness_java, harness_java_runtime


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(harness_cpp_prelude, "cache_root", lambda: tmp_path)
    monkeypatch.setattr(harness_java_runtime, "cache_root", lambda: tmp_path)
    harness_cpp_prelude._ensure_prelude.cache_clear()
    harness_java_runtime._ensure_runtime.cache_clear()
    yield tmp_path
    # Later tests must not be handed this test's directory from the cache.
    harness_cpp_prelude._ensure_prelude.cache_clear()
    harness_java_runtime._ensure_runtime.cache_clear()


def test_cpp_prelude_is_built_once_and_rebuilt_after_removal(private_cache):
    first = harness_cpp_prelude.ensure_prelude("/usr/bin/g++")
    assert Path(first.directory).parent == private_cache
    assert Path(first.runtime_object).is_file() and first.precompiled
    assert harness_cpp_prelude.ensure_prelude("/usr/bin/g++") == first
    shutil.rmtree(first.directory)
    again = harness_cpp_prelude.ensure_prelude("/usr/bin/g++")
    assert Path(again.runtime_object).is_file()
    assert Path(again.directory, "shadows_prelude.hpp.gch").is_file()


def test_java_runtime_is_built_once_and_rebuilt_after_removal(private_cache):
    first = harness_java.java_runtime("/usr/bin/javac")
    assert Path(first.classes, "shadows", "R.class").is_file()
    assert first.javac_archive is not None and Path(first.javac_archive).is_file()
    shutil.rmtree(first.directory)
    again = harness_java.java_runtime("/usr/bin/javac")
    assert Path(again.classes, "shadows", "R.class").is_file()


def test_cache_key_follows_the_toolchain_identity(tmp_path):
    fake = tmp_path / "g++"
    fake.write_text("v1")
    before = harness_cpp_prelude.toolchain_identity(str(fake))
    fake.write_text("version 2")
    assert harness_cpp_prelude.toolchain_identity(str(fake)) != before
