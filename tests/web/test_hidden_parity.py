"""The replay's code view (web/src/replay/hiddenchars.ts, `HIDDEN`: a regular expression over
`\\p{Default_Ignorable_Code_Point}` with lookarounds) shows as placeholders exactly the characters the server's
report shows as markers (api/templating.py `REVEALED`, grader/invisible.py): checked on 20,000 random strings of
selectors, joiners, tags, emoji, keycaps, ideographs, math operators, Arabic and Indic letters, controls and letters,
in node; and the classes of characters each keeps its selectors and joiners after are the same, range for range."""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path

import pytest

from api.templating import REVEALED
from grader import invisible
from tests.grader.test_invisible import ranges

SOURCE = Path(__file__).resolve().parents[2] / "web" / "src" / "replay" / "hiddenchars.ts"
ALPHABET = [
    "a", "x", " ", "\u2764", "\U0001f600", "\U0001f3f4", "\u8fba", "\U00020000", "\u0915", "\u1820", "\t", "\x01",
    "\u2028", "\ufe0f", "\ufe0e", "\ufe00", "\u180b", "\u180f", "\U000e0100", "\U000e01ef", "\u200d", "\u200c",
    "\u200b", "\u202e", "\u3164", "\U000e0067", "\U000e0062", "\U000e0030", "\U000e007f", "\U000e0041",
    "\U000e0fff", "\u034f", "\ufff9", "\xad", "\u2060", "\u206a", "\ufff0", "\xa0",
    "#", "1", "\u20e3", "\u2229", "\u1000", "\u0645", "\u094d", "\u0416", "\U0001f3fd", "\U0001f525", "\u27a1",
    "\u061c", "\ufe01",
]  # fmt: skip
SCRIPT = """
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map((t) => {
  const at = [];  // code point index of each UTF-16 index
  for (let k = 0, cp = 0; k < t.length; cp++) { at[k] = cp; k += t.codePointAt(k) > 0xffff ? 2 : 1; }
  return [...t.matchAll(HIDDEN)].map((m) => at[m.index]);
});
process.stdout.write(JSON.stringify(out));
"""


def _definition() -> str:
    """The module's definition of HIDDEN (plain constants of template strings), as JavaScript."""
    text = SOURCE.read_text(encoding="utf-8")
    start = text.index("const H = ")
    end = text.index("\n", text.index("export const HIDDEN"))
    return text[start:end].replace("export const", "const")


def test_the_replay_and_the_report_reveal_the_same_characters() -> None:
    rng = random.Random(5)
    cases = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12))) for _ in range(20_000)]
    done = subprocess.run(
        ["node", "-e", _definition() + SCRIPT],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    replay = json.loads(done.stdout)
    report = [[i for start, end in REVEALED.spans(t) for i in range(start, end)] for t in cases]
    differ = [(ascii(t), r, p) for t, r, p in zip(cases, replay, report, strict=True) if r != p]
    assert differ == [], differ[:10]


# The replay's classes and the grader's (grader/invisible.py) they must equal.
CLASSES = {
    "PICT": invisible.PICTOGRAPHS,
    "MODIFIER": invisible.MODIFIERS,
    "FIRST_SELECTOR_BASE": invisible.FIRST_SELECTOR_BASES,
    "IDEOGRAPH": invisible.IDEOGRAPHS,
    "MONGOLIAN": invisible.MONGOLIAN,
    "JOINING": invisible.JOINING,
}


@pytest.mark.parametrize("name", CLASSES)
def test_the_replay_keeps_selectors_and_joiners_after_the_same_characters(name: str) -> None:
    """A class written out in both (not `\\p{...}`: a browser's Unicode is not the server's): a range that differs
    would keep a selector on one side that the other shows, past what the random strings reach."""
    found = re.search(
        rf"^const {name} = String\.raw`(\[[^`]*\])`;$", SOURCE.read_text(encoding="utf-8"), re.M
    )
    assert found is not None, name
    written = re.sub(
        r"\\u\{([0-9a-f]+)\}|\\u([0-9a-f]{4})",
        lambda m: chr(int(m.group(1) or m.group(2), 16)),
        found.group(1),
    )
    assert ranges(written) == ranges(CLASSES[name].pattern)
