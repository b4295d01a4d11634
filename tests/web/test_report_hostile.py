"""A report of hostile candidate content in real headless chromium: markup in a name, code and speech never runs;
characters that make text read other than it is (bidirectional overrides and isolates, zero-width spaces: the
"Trojan Source" characters) are shown where they are, both in the server-rendered page and in the replay's code
view, deleted code included; and a name or code line with no break in it wraps instead of widening the page, down
to 320 px."""

from __future__ import annotations

import itertools
import unicodedata
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.templating import HIDDEN_CHARS, REVEALED
from tests.api.candidate_text import add_said_and_code
from tests.api.report_support import cite, grade, seed_interview, seeded_share, share_url, snapshot
from tests.conftest import ApiServer
from tests.web.report_driver import ARTIFACTS, drive_report

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]

RUNS = '<img src=x onerror="window.__hostile=1"><script>window.__hostile=2</script>'
# Reads "Ada Strong Hire" once the override takes effect; then a name with no place to break.
NAME = "Ada \u202eeriH gnortS " + "W" * 150
EXTERNAL_ID = "gh-7\u202e"
# Typed in the text-only chat: the override makes "I used no AI" read otherwise on the page than the grader read it.
SAID = RUNS + " I wrote it \u202eIA on desu I\u202c myself. " + "B" * 400
CITED = "wrote it \u202eIA on desu I\u202c myself"
# Reads as `access = "user"  # admin` (a comment) while the whole line is one string; `x\u200b` is not `x`.
TROJAN = (
    "def two_sum(nums, target):\n"
    '    access = "user\u202e \u2066# admin\u2069 \u2066"  # ' + RUNS + "\n"
    "    x\u200b = 1\n"
    "    y = 2  # \U000e0049\U000e0047\U000e004e\n"  # tag characters: invisible "IGN" a model reads
    "    " + "A" * 500 + "  # and this tail would be past the edge of the paper\n"
    "    return []\n"
)


@pytest.mark.timeout(300)
async def test_hostile_names_and_code_never_run_show_hidden_characters_and_wrap(
    api_server: ApiServer, db: Db
) -> None:
    seeded = await seed_interview(
        api_server, db, candidate={"name": NAME, "email": "ada@example.com", "external_id": EXTERNAL_ID}
    )
    stored = await add_said_and_code(db, seeded.id, "hostile", SAID, TROJAN)
    # The API now drops bidirectional controls from names (api.schemas.one_line); a row stored before that, or
    # written another way, still shows them as markers.
    await db.execute(
        "update candidates set name = %s where id = (select candidate_id from sessions where id = %s)",
        (NAME, seeded.id),
    )
    await grade(db, seeded)
    # The grader quotes what it was shown: a justification and a concern carrying the same characters.
    await db.execute(
        """
        update scorecards set scorecard = jsonb_set(jsonb_set(scorecard,
          '{dimensions,coding,justification}', to_jsonb(%s::text)), '{areas_to_improve,0}', to_jsonb(%s::text))
        where session_id = %s
        """,
        ("Wrote " + "C" * 300 + " then \u202eenod", "Named a variable x\u200b", seeded.id),
    )
    await cite(db, seeded, "problem_solving", [{"seq": stored[0].seq, "quote": CITED}])
    url = await share_url(api_server, seeded.id)

    ARTIFACTS.mkdir(exist_ok=True)
    seen = await drive_report(
        "hostile",
        url=url,
        seek=289.0,
        cite_seq=stored[0].seq,
        widths=[1440, 768, 320],
        screenshots=str(ARTIFACTS),
    )

    assert seen["ran"] is None
    # The server-rendered page: the name and ATS id (and the final code, printed) show their hidden characters
    # instead of obeying them.
    assert "\u202e" not in seen["h1"] and seen["h1"].startswith("Ada U+202EeriH gnortS")
    assert seen["markers"].count("U+202E") >= 4  # name, ATS id, justification, final code
    assert {"U+2066", "U+2069", "U+200B", "U+E0049", "U+E0047", "U+E004E"} <= set(seen["markers"])
    # Cited words holding a hidden character are marked whole, the marker inside the mark.
    assert seen["cited"] == [
        {"text": "wrote it U+202EIA on desu IU+202C myself", "markers": ["U+202E", "U+202C"]}
    ], seen["cited"]
    # The replay's code view keeps the code as it is and draws each hidden character as a placeholder.
    assert seen["replay_text"] == TROJAN
    titles = " ".join(seen["replay_special"]).lower()
    for name in (
        "right-to-left override",
        "left-to-right isolate",
        "pop directional isolate",
        "zero width space",
    ):
        assert name in titles, (name, seen["replay_special"])
    assert sum("0xe00" in t.lower() for t in seen["replay_special"]) == 3, seen["replay_special"]
    for width, box in seen["overflow"].items():
        assert box["scroll_width"] <= int(width) and box["wider"] == [], (width, box)
    # Printed (the PDF an ATS attaches), the whole of every line is on the paper.
    assert seen["printed"]["clipped"] == [], seen["printed"]["clipped"]
    assert seen["printed"]["code"] is not None and "A" * 500 in seen["printed"]["code"]


# One line per class of hidden character. The replay shows what changed since the previous snapshot with the merge
# view, whose deleted lines are widgets outside the editor's document: each of these, deleted or changed, must be
# drawn as the same placeholder the current code shows, never raw (a deleted U+202E reads reversed; a deleted
# zero-width space is not seen at all).
HIDDEN_LINES = [
    '    access = "user\u202e \u2066# admin\u2069 \u2066"  # bidirectional override and isolates',
    "    x\u200b = 1  # zero width space",
    "    y\u2060 = 2  # word joiner",
    '    note = "\U000e0001\U000e0049\U000e0047\U000e004e\U000e007f"  # tag characters',
    '    extra = "\u202a\u202b\u202c\u202d\u2067\u2068\u2061\u2062\u2063\u2064\u180e\ufff9\ufffa\ufffb"'
    "  # embeddings, invisible operators, annotations",
    '    marks = "\u200e\u200f\u061c\ufeff\xad\x01\x0e\x7f\x9b\u2028\u2029"  # marks, controls, separators',
    '    coder = "\U0001f469\u200d\U0001f4bb"  # a zero width joiner is left alone: emoji need it',
    '    shown = "\u2764\ufe0f\u200d\U0001f525 \U0001f600\ufe0f\U000e0138\U000e0159"  # a run of selectors hides bytes',
    # Every character the server reveals (but NUL, which Postgres does not store), then look-alikes: the replay marks
    # exactly the same ones (the joiners after a tab, and the reserved and deprecated ignorables, are revealed).
    '    every = "'
    + "".join(c for c in map(chr, [*range(1, 0x10000), *range(0xE0000, 0xE0080)]) if HIDDEN_CHARS.match(c))
    + '"',
    '    alike = "\t\u200c\u200d\ufffc\u2065\u206a\xa0\u3000\ufff8"',
]
FILLER = [f"    pad_{i} = {i}" for i in range(300)]  # puts the last deletion far out of view
TAIL = '    tail = "ok\u202e"  # deleted out of view'


def _code(lines: list[str]) -> str:
    return "\n".join(["def check(role):", *lines, "    return role", ""])


def _describes(title: str, char: str) -> bool:
    """CodeMirror's title for a placeholder: "Control character" and the character's name, or its code point."""
    names = {f"0x{ord(char):x}", unicodedata.name(char, "").lower()} - {""}
    return title.startswith("Control character ") and title.removeprefix("Control character ") in names


def _hidden(text: str) -> list[str]:
    """The characters the server reveals in `text`, read in it (a selector after an emoji is kept)."""
    return [text[i] for start, end in REVEALED.spans(text) for i in range(start, end)]


def _substituted(text: str) -> str:
    at = {i for start, end in REVEALED.spans(text) for i in range(start, end)}
    return "".join("◊" if i in at else c for i, c in enumerate(text))


def _assert_drawn(lines: list[dict[str, Any]], originals: list[str]) -> None:
    assert [line["drawn"] for line in lines] == [_substituted(o) for o in originals]
    for line, original in zip(lines, originals, strict=True):
        hidden = _hidden(original)
        titles = [p["title"] for p in line["placeholders"]]
        assert len(titles) == len(hidden), (original, titles)
        for title, char in zip(titles, hidden, strict=True):
            assert _describes(title, char), (title, f"U+{ord(char):04X}")


@pytest.mark.timeout(300)
async def test_replay_draws_hidden_characters_in_deleted_code_as_placeholders(
    api_server: ApiServer, db: Db
) -> None:
    changed = [line + "  # kept" for line in HIDDEN_LINES]
    snapshots = {
        300.0: _code([*HIDDEN_LINES, *FILLER, TAIL]),
        310.0: _code([*changed, *FILLER]),  # every hidden line changed, the tail deleted
        320.0: _code(FILLER),  # every hidden line deleted
    }
    deleted = [snapshot(f"deleted:{t}", code, t) for t, code in snapshots.items()]
    _, _, url = await seeded_share(api_server, db, *deleted, graded=False)

    seen = await drive_report("deletions", url=url, steps=[311.0, 321.0, 311.0, 321.0, 311.0, "scroll"])
    changed_at, deleted_at, back, forth, before_scroll, scrolled = seen["steps"]

    # The lines changed: the old ones are drawn above the new, each hidden character a placeholder, none raw; the
    # old and new lines draw the same characters with the same placeholders (class, title, glyph).
    for step in (changed_at, back):
        assert step["doc"] == snapshots[310.0]
        chunk = step["chunks"][0]
        _assert_drawn(chunk["lines"], HIDDEN_LINES)
        assert not _hidden(chunk["raw"]), chunk["raw"]
        assert chunk["highlighted_spans"] > 0  # the deletion keeps its syntax highlighting
        # The editor draws the lines in (and near) its window: the first six at least, one per class.
        current = step["current"][1 : 1 + len(changed)]
        assert len(current) >= 6, current
        _assert_drawn(current, changed[: len(current)])
        assert [line["placeholders"] for line in chunk["lines"][: len(current)]] == [
            line["placeholders"] for line in current
        ]
        assert {p["class"] for line in current for p in line["placeholders"]} == {"cm-specialChar"}
    # The lines deleted outright, on every visit.
    for step in (deleted_at, forth):
        assert step["doc"] == snapshots[320.0]
        chunk = step["chunks"][0]
        _assert_drawn(chunk["lines"], changed)
        assert not _hidden(chunk["raw"]), chunk["raw"]
    # Back at the change, scrolled to the end: the tail's deletion, drawn only once it comes into view, too.
    assert scrolled["doc"] == snapshots[310.0]
    assert not [c for c in before_scroll["chunks"] if "tail" in c["raw"]]  # not drawn until in view
    tail = [c for c in scrolled["chunks"] if c["lines"] and "tail" in c["lines"][0]["drawn"]]
    assert len(tail) == 1, scrolled["chunks"]
    _assert_drawn(tail[0]["lines"], [TAIL])
    assert not _hidden(tail[0]["raw"]), tail[0]["raw"]


@pytest.mark.timeout(300)
async def test_a_snapshot_crowded_with_hidden_characters_shows_them_as_glyphs_not_one_widget_each(
    api_server: ApiServer, db: Db
) -> None:
    """A candidate can paste 190 KB of right-to-left overrides on one line: one placeholder widget each took the
    replay's code view over a second per step. Past a few thousand, each is drawn as its glyph in the text (still
    shown, no longer in effect), and the code's heading says how many there are."""
    crowded = "x = '" + "a\u202eb\u200b" * 3_000 + "'\n"
    _, _, url = await seeded_share(
        api_server,
        db,
        snapshot("crowd:before", "x = 1\n", 300.0),
        snapshot("crowd:code", crowded, 310.0),
        graded=False,
    )

    before, at = (await drive_report("deletions", url=url, steps=[301.0, 311.0]))["steps"]

    assert before["placeholders"] == 0 and "hidden characters" not in before["head"]
    assert at["placeholders"] == 0
    assert "6,000 hidden characters" in at["head"]
    assert not _hidden(at["doc"]) and at["doc"].count("\u2022") == 6_000
    assert at["doc"].replace("\u2022", "") == "x = '" + "ab" * 3_000 + "'\n"


# Right-to-left letters need no hidden character to reorder code: the punctuation between two runs of them takes their
# direction. Drawn as written, `["א", "ב"]` lists א first; unisolated, it was drawn `["ב" ,"א"]`.
RTL_LINES = [
    '    pair = ["\u05d0", "\u05d1"]',
    '    pick = {"\u05d0\u05d1": 1, "\u05d2\u05d3": 2}',
    '    say = "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd" + "!"',
    '    ar = ["\u0628", 2, "\u062a"]',
]
# More runs on one line than the replay isolates one by one (MAX_ISOLATES in web/src/replay/rtlruns.ts).
RTL_CROWDED = '    many = ["' + '\u05d0", "' * 2_500 + '"]'


def _rtl(ch: str) -> bool:
    return "\u0590" <= ch <= "\u08ff" or "\ufb1d" <= ch <= "\ufefe"


def _out_of_order(line: dict[str, Any]) -> list[str]:
    """Where a drawn line reads in another order than written, row by row of its wrap: its code (every character but
    right-to-left letters and spaces) left to right, and each right-to-left letter between the code around it."""
    rows: dict[int, list[tuple[int, str, float]]] = {}
    for i, (ch, left, top) in enumerate(line["chars"]):
        rows.setdefault(round(top), []).append((i, ch, left))
    wrong = []
    for row in rows.values():
        code = [(i, ch, x) for i, ch, x in row if not _rtl(ch) and ch != " "]
        wrong += [
            f"{a[1]!r}@{a[0]} after {b[1]!r}@{b[0]}" for a, b in itertools.pairwise(code) if b[2] <= a[2]
        ]
        for i, ch, x in row:
            if not _rtl(ch):
                continue
            before = [c for c in code if c[0] < i][-1:]
            after = [c for c in code if c[0] > i][:1]
            if (before and x <= before[0][2]) or (after and x >= after[0][2]):
                wrong.append(f"{ch!r}@{i} outside its place")
    return wrong


@pytest.mark.timeout(300)
async def test_right_to_left_letters_never_reorder_the_code_in_the_replay_or_printed(
    api_server: ApiServer, db: Db
) -> None:
    changed = [line + "  # kept" for line in RTL_LINES]
    seeded, _, url = await seeded_share(
        api_server,
        db,
        snapshot("rtl:first", _code(RTL_LINES), 300.0),
        snapshot("rtl:crowded", _code([*changed, RTL_CROWDED]), 310.0),  # the first lines drawn deleted
        snapshot("rtl:final", _code(changed), 320.0),  # the crowded line drawn deleted
        graded=False,
    )
    await db.execute("update sessions set final_code = %s where id = %s", (_code(changed), seeded.id))

    seen = await drive_report("deletions", url=url, steps=[311.0, 321.0], order=True)
    crowded_at, final_at = seen["steps"]

    def text(line: dict[str, Any]) -> str:
        return "".join(c[0] for c in line["chars"])

    # In the replay, deleted lines and current ones: each reads in the order written.
    *isolated, crowded = crowded_at["order"]
    assert [(line["deleted"], text(line)) for line in isolated] == [
        *((True, line) for line in RTL_LINES),
        *((False, line) for line in changed),
    ]
    # A line of thousands of runs is drawn in the order written, letters and all; the lines before it still isolate.
    assert not crowded["deleted"] and crowded["written_order"] and text(crowded) == RTL_CROWDED[:400]
    assert [line["written_order"] for line in isolated] == [False] * 8
    # Deleted, it is drawn in the order written too.
    assert [(line["deleted"], line["written_order"]) for line in final_at["order"]] == [
        (False, False)
    ] * 4 + [(True, True)]
    for line in [*crowded_at["order"], *final_at["order"]]:
        assert _out_of_order(line) == [], (text(line), _out_of_order(line))
    # The final code as printed (the PDF): each line after its number, in the order written.
    [printed] = seen["printed"]
    assert all(line in text(printed) for line in changed), text(printed)
    assert _out_of_order(printed) == [], (text(printed), _out_of_order(printed))
