"""The question bank as data: the on-disk format of `questions/<slug>/`, its validation and its loader."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

LANGUAGES: tuple[str, ...] = ("python", "javascript", "java", "cpp")
EXTENSIONS: dict[str, str] = {"python": "py", "javascript": "js", "java": "java", "cpp": "cpp"}
SCALARS: tuple[str, ...] = ("int", "long", "float", "bool", "string")
TYPE_PATTERN = re.compile(r"^(int|long|float|bool|string)((\[\]){0,2})$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
IDENT_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

MAX_STATEMENT_BYTES = 32_000
MAX_TESTS = 500


class BankError(Exception):
    """A question in the bank is malformed; names the file and the field."""

    def __init__(self, path: Path, field: str, message: str) -> None:
        self.path = path
        self.field = field
        self.message = message
        super().__init__(f"{path}: {field}: {message}")


class Difficulty(StrEnum):
    EASY = "Easy"
    MEDIUM = "Medium"
    HARD = "Hard"


class Param(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    type: str

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not IDENT_PATTERN.match(v):
            raise ValueError("must be snake_case, starting with a letter")
        return v

    @field_validator("type")
    @classmethod
    def _type(cls, v: str) -> str:
        return check_type(v)


def check_type(v: str) -> str:
    if not TYPE_PATTERN.match(v):
        raise ValueError(f"unknown type {v!r}: use int, long, float, bool, string, T[] or T[][]")
    return v


def split_type(t: str) -> tuple[str, int]:
    """`int[][]` -> (`int`, 2): the scalar and the array depth."""
    m = TYPE_PATTERN.match(t)
    if not m:
        raise ValueError(f"unknown type {t!r}")
    return m.group(1), len(m.group(2)) // 2


def snake_to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


class Signature(BaseModel):
    """The candidate's function. Python uses `function` (snake_case) as a top-level function; JavaScript a
    top-level camelCase function; Java and C++ a public camelCase method of `class Solution`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    function: str
    params: list[Param] = Field(min_length=1, max_length=8)
    returns: str

    @field_validator("function")
    @classmethod
    def _function(cls, v: str) -> str:
        if not IDENT_PATTERN.match(v):
            raise ValueError("must be snake_case, starting with a letter")
        return v

    @field_validator("returns")
    @classmethod
    def _returns(cls, v: str) -> str:
        return check_type(v)

    @model_validator(mode="after")
    def _unique_params(self) -> Signature:
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError("parameter names must be unique")
        return self

    def function_name(self, language: str) -> str:
        return self.function if language == "python" else snake_to_camel(self.function)


class Compare(BaseModel):
    """How an actual return value is compared with the expected one (outside the sandbox)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    float_tolerance: float = Field(default=1e-6, ge=0, le=1)
    # Whether a float may also be off by `float_tolerance` times the expected value. False where answers are exact
    # at a coarser grain than that allows (running-median's halves up to 2^31: a relative 1e-6 is 2,147 there,
    # which lets single-precision medians 25 off pass). Left out of what is sent and stored while true: a judge host
    # of an earlier version refuses a field it does not know, and reads every question's options but these.
    float_relative: bool = Field(default=True, exclude_if=lambda relative: relative is True)
    # The top-level array is compared as a multiset (any order).
    unordered: bool = False
    # Every nested array is compared as a multiset too (e.g. groups of anagrams in any order).
    unordered_nested: bool = False


class RubricItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # As the scorecard stores it (grader.schemas.RubricItemAssessment): an id it refuses failed every grading.
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    behaviour: str = Field(min_length=10, max_length=400)
    weight: int = Field(default=1, ge=1, le=5)


class TestCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    args: list[Any]
    expected: Any
    hidden: bool = False
    note: str | None = Field(default=None, max_length=200)


class Meta(BaseModel):
    """`question.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int = Field(ge=1)
    title: str = Field(min_length=3, max_length=120)
    difficulty: Difficulty
    topics: list[str] = Field(min_length=1, max_length=8)
    signature: Signature
    compare: Compare = Compare()
    hints: list[str] = Field(min_length=1, max_length=10)
    rubric: list[RubricItem] = Field(min_length=1, max_length=20)
    # Offered by self-serve practice (POST /v1/practice) and by nothing else: an organisation's session draws only
    # among the others (it gets one only by asking for it by id), so nothing anyone can see and probe in practice is
    # on a real screen. Strict: `true` or `false` in YAML, never a string or a number that reads as one.
    practice: StrictBool = False


class Question(BaseModel):
    """A whole question, as loaded from `questions/<slug>/`."""

    model_config = ConfigDict(frozen=True)

    slug: str
    meta: Meta
    statement_md: str
    tests: list[TestCase]
    starters: dict[str, str]
    references: dict[str, str]

    @property
    def visible_tests(self) -> list[TestCase]:
        return [t for t in self.tests if not t.hidden]

    @property
    def signature(self) -> Signature:
        return self.meta.signature


def _is_int(bits: int) -> Callable[[Any], bool]:
    low, high = -(2**bits), 2**bits

    def check(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and low <= v < high

    return check


# The integers a double holds: from 2**1024 - 2**970 on, one rounds to infinity (Python's float() raises).
_FLOAT_INT_BOUND = 2**1024 - 2**970
_SURROGATE = re.compile("[\ud800-\udfff]")


def _is_float(v: Any) -> bool:
    """A number every language's harness holds as a double: finite (NaN and Infinity are no JSON the judge sends)."""
    if isinstance(v, float):
        return math.isfinite(v)
    return isinstance(v, int) and not isinstance(v, bool) and -_FLOAT_INT_BOUND < v < _FLOAT_INT_BOUND


def _is_text(v: Any) -> bool:
    """Unicode text: no lone surrogate (JSON's "\\ud800", which decodes to one), which UTF-8 cannot hold, so that
    Java and C++ wrote it back as "?" or U+FFFD where Python and JavaScript kept it."""
    return isinstance(v, str) and (v.isascii() or _SURROGATE.search(v) is None)


_SCALARS: dict[str, Callable[[Any], bool]] = {
    "int": _is_int(31),
    "long": _is_int(63),
    "float": _is_float,
    "bool": lambda v: isinstance(v, bool),
    "string": _is_text,
}


def _matches(value: Any, depth: int, scalar: Callable[[Any], bool]) -> bool:
    if depth == 0:
        return scalar(value)
    if not isinstance(value, list):
        return False
    if depth == 1:
        return all(map(scalar, value))
    return all(_matches(v, depth - 1, scalar) for v in value)


def value_matches_type(value: Any, t: str) -> bool:
    """Whether ``value`` (as JSON decodes it) is a ``t``. The type is read once, not per element: a question's
    hidden tests hold arrays of 10^5 values and more, checked every time the question is loaded."""
    scalar, depth = split_type(t)
    return _matches(value, depth, _SCALARS.get(scalar, _SCALARS["string"]))


JAVASCRIPT_EXACT = 2**53  # a JavaScript number holds every integer of at most this magnitude exactly


def exact_in_javascript(value: Any, t: str) -> bool:
    """Whether a JavaScript program gets ``value`` (a ``t`` already) exactly: its `long`s are numbers, so within
    2^53 (an int is 32-bit, a float a double in every language)."""
    scalar, depth = split_type(t)
    return scalar != "long" or _matches(value, depth, lambda v: -JAVASCRIPT_EXACT <= v <= JAVASCRIPT_EXACT)


def _read_text(path: Path, field: str, limit: int) -> str:
    if not path.is_file():
        raise BankError(path, field, "file is missing")
    data = path.read_bytes()
    if len(data) > limit:
        raise BankError(path, field, f"file is larger than {limit} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BankError(path, field, "file is not UTF-8") from e


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(root)"


_BEYOND_JAVASCRIPT = "holds a long beyond 2^53 in magnitude, which a JavaScript number cannot hold exactly"


def load_question(directory: Path) -> Question:
    """Load and validate one question directory. Raises `BankError` naming the file and field."""
    directory = Path(directory)
    slug = directory.name
    if not SLUG_PATTERN.match(slug):
        raise BankError(directory, "slug", "directory name must be kebab-case (a-z, 0-9, -)")

    meta_path = directory / "question.yaml"
    try:
        raw_meta = yaml.safe_load(_read_text(meta_path, "question.yaml", 64_000))
    except yaml.YAMLError as e:
        raise BankError(meta_path, "(yaml)", f"not valid YAML: {e}") from e
    try:
        meta = Meta.model_validate(raw_meta)
    except ValidationError as e:
        err = e.errors()[0]
        raise BankError(meta_path, _field_path(err["loc"]), err["msg"]) from e

    statement = _read_text(directory / "statement.md", "statement.md", MAX_STATEMENT_BYTES)
    if not statement.strip():
        raise BankError(directory / "statement.md", "statement.md", "statement is empty")

    tests_path = directory / "tests.json"
    try:
        raw_tests = json.loads(_read_text(tests_path, "tests.json", 8_000_000))
    except json.JSONDecodeError as e:
        raise BankError(tests_path, "(json)", f"not valid JSON: {e}") from e
    if not isinstance(raw_tests, list) or not raw_tests:
        raise BankError(tests_path, "(root)", "must be a non-empty JSON array of tests")
    if len(raw_tests) > MAX_TESTS:
        raise BankError(tests_path, "(root)", f"at most {MAX_TESTS} tests")
    tests: list[TestCase] = []
    seen: set[str] = set()
    sig = meta.signature
    for i, raw in enumerate(raw_tests):
        try:
            test = TestCase.model_validate(raw)
        except ValidationError as e:
            err = e.errors()[0]
            raise BankError(tests_path, f"[{i}].{_field_path(err['loc'])}", err["msg"]) from e
        if test.id in seen:
            raise BankError(tests_path, f"[{i}].id", f"duplicate test id {test.id!r}")
        seen.add(test.id)
        if len(test.args) != len(sig.params):
            raise BankError(tests_path, f"[{i}].args", f"expected {len(sig.params)} arguments")
        for param, arg in zip(sig.params, test.args, strict=True):
            if not value_matches_type(arg, param.type):
                raise BankError(tests_path, f"[{i}].args.{param.name}", f"is not a valid {param.type}")
            if not exact_in_javascript(arg, param.type):
                raise BankError(tests_path, f"[{i}].args.{param.name}", _BEYOND_JAVASCRIPT)
        if not value_matches_type(test.expected, sig.returns):
            raise BankError(tests_path, f"[{i}].expected", f"is not a valid {sig.returns}")
        if not exact_in_javascript(test.expected, sig.returns):
            raise BankError(tests_path, f"[{i}].expected", _BEYOND_JAVASCRIPT)
        tests.append(test)
    if not any(not t.hidden for t in tests):
        raise BankError(tests_path, "hidden", "at least one test must be visible")

    starters: dict[str, str] = {}
    references: dict[str, str] = {}
    for lang in LANGUAGES:
        ext = EXTENSIONS[lang]
        starters[lang] = _read_text(directory / f"starter.{ext}", f"starter.{ext}", 64_000)
        references[lang] = _read_text(directory / f"reference.{ext}", f"reference.{ext}", 64_000)
        name = sig.function_name(lang)
        for kind, code in (("starter", starters[lang]), ("reference", references[lang])):
            if name not in code:
                raise BankError(directory / f"{kind}.{ext}", "signature", f"does not define {name!r}")

    return Question(
        slug=slug,
        meta=meta,
        statement_md=statement,
        tests=tests,
        starters=starters,
        references=references,
    )


def iter_question_dirs(root: Path) -> Iterator[Path]:
    for child in sorted(Path(root).iterdir()):
        if child.is_dir() and not child.name.startswith((".", "_")):
            yield child


def load_bank(root: Path) -> list[Question]:
    """Load every question under `root`; the first malformed one raises and nothing is returned."""
    if not Path(root).is_dir():  # a mistyped path: a BankError names it, rather than an OSError's traceback
        raise BankError(
            Path(root), "(root)", "not a directory" if Path(root).exists() else "no such directory"
        )
    questions = [load_question(d) for d in iter_question_dirs(root)]
    if not questions:
        raise BankError(Path(root), "(root)", "no questions found")
    numbers: dict[int, str] = {}
    for q in questions:
        if q.meta.number in numbers:
            raise BankError(
                Path(root) / q.slug / "question.yaml",
                "number",
                f"duplicate question number {q.meta.number} (also {numbers[q.meta.number]})",
            )
        numbers[q.meta.number] = q.slug
    return questions
