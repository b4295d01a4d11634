"""A scorecard's `prompt_version` names everything that shapes what the grading model reads and how its answer is
checked (grader/prompts.py): the prompts and the output schema, and the grader's own source, whose redaction rules
and word lists decide what the model sees. A re-grade after a change to a word list had carried the same label."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest

import grader
from api.db import bundle_repo
from grader.output import schema_text
from grader.prompts import PromptError, prompt_version

SOURCE = Path(grader.__file__).resolve().parent
SCHEMA = schema_text(["brute_force_first", "hash_map_one_pass"])


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "grader"
    copy.mkdir()
    for module in SOURCE.glob("*.py"):
        shutil.copyfile(module, copy / module.name)
    return copy


def test_the_version_reads_the_grader_package_it_runs(tmp_path: Path) -> None:
    assert (
        prompt_version(SCHEMA)
        == prompt_version(SCHEMA, source=SOURCE)
        == prompt_version(SCHEMA, source=_copy(tmp_path))
    )


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        ("not_names.py", "sorry sure okay", "sorry sure okay ambrose"),  # a word list
        ("name_titles.py", "MAX_TITLES = (\n    3", "MAX_TITLES = (\n    2"),  # a redaction rule
        ("bundle.py", "REDACT_WINDOW_CHARS", "REDACT_WINDOW_CHARS_"),  # what the bundle holds
        ("candidate_terms.py", "len(part) >= 2", "len(part) >= 3"),  # the name on file's terms
        (
            "resume_affiliations.py",
            "MAX_AFFILIATIONS = 40",
            "MAX_AFFILIATIONS = 39",
        ),  # a résumé's organisations
    ],
)
def test_a_change_to_the_graders_rules_or_word_lists_changes_the_version(
    tmp_path: Path, module: str, old: str, new: str
) -> None:
    copy = _copy(tmp_path)  # a package's source is read once a process: changed before it is read
    text = (copy / module).read_text()
    assert old in text
    (copy / module).write_text(text.replace(old, new, 1))
    changed = prompt_version(SCHEMA, source=copy)
    assert changed != prompt_version(SCHEMA) and changed.startswith("grader-1+")


def test_what_the_api_hands_the_grader_for_redaction_is_computed_by_the_versioned_grader() -> None:
    """The name on file's redaction terms and a résumé's organisations shape what the model reads: the API reads the
    data (api/db/bundle_repo.py) and the grader's own code, whose source the version hashes, turns it into terms."""
    for computed in (bundle_repo.redaction_terms, bundle_repo.affiliations):
        where = inspect.getsourcefile(computed)
        assert where is not None and Path(where).resolve().parent == SOURCE, where


def test_a_new_module_changes_the_version(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    (copy / "extra_words.py").write_text('WORDS = frozenset({"lady"})\n')
    assert prompt_version(SCHEMA, source=copy) != prompt_version(SCHEMA)


def test_a_package_without_its_source_has_no_version(tmp_path: Path) -> None:
    with pytest.raises(PromptError):
        prompt_version(SCHEMA, source=tmp_path)
