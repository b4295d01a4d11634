"""scripts/fence_confusables.py: which of Unicode's confusables become agent/lookalikes.py's table, read from a
confusables.txt in Unicode's format (a few lines of it, written here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from agent.lookalikes import CONFUSABLE

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fence_confusables.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fence_confusables", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _line(source: int, target: str) -> str:
    return f"{source:04X} ;\t{' '.join(f'{ord(c):04X}' for c in target)} ;\tMA\t# comment\n"


def test_letters_drawn_as_digits_several_letters_and_later_unicodes_characters_are_kept(
    tmp_path: Path,
) -> None:
    entries = [
        (0x01B7, "3"),  # LATIN CAPITAL LETTER EZH: a letter drawn as a digit
        (0x042E, "lo"),  # CYRILLIC CAPITAL LETTER YU: a letter drawn as two
        (0x00E6, "ae"),  # LATIN SMALL LETTER AE
        (0x1CCF5, "5"),  # OUTLINED DIGIT FIVE (Unicode 16): unknown to this Python
        (0x0435, "e"),  # CYRILLIC SMALL LETTER IE: a letter of BEGIN and END, as before
        (
            0x2016,
            "ll",
        ),  # DOUBLE VERTICAL LINE: a symbol read as two letters, a gap between a marker's letters
        (0x1D212, "7"),  # GREEK VOCAL NOTATION SYMBOL-19: a symbol read as a digit
        (0x01F3, "dz"),  # "z" is no letter of a marker or nonce
        (0x0261, "g"),  # LATIN SMALL LETTER SCRIPT G: read by its name already
    ]
    path = tmp_path / "confusables.txt"
    path.write_text("# confusables.txt\n" + "".join(_line(s, t) for s, t in entries), encoding="utf-8")
    table = _script().table(str(path))
    assert table == {
        "3": ["\u01b7"],
        "lo": ["\u042e"],
        "ae": ["\u00e6"],
        "5": ["\U0001ccf5"],
        "e": ["\u0435"],
    }


def test_the_table_in_agent_lookalikes_holds_what_the_script_keeps() -> None:
    """The generated table (from confusables.txt 17.0.0) holds digits and several-letter readings."""
    assert "\u01b7" in CONFUSABLE["3"] and "\u042e" in CONFUSABLE["lo"] and "\U0001ccf5" in CONFUSABLE["5"]
    assert all(set(read) <= set("abcdefgilno23456789") for read in CONFUSABLE)
    assert not any("\u2016" in chars for chars in CONFUSABLE.values())
