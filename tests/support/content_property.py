"""Random text in patient-facing fields: the property both the test and the bench check.

Whatever string an admin puts in a field (markup characters, control and format characters, mixed
scripts, very long words), the content is either refused with file:line:column, or the real app draws
every screen with that text shown literally. A screen that fails to draw is a kiosk fault, even though
the rendering check would refuse it: the property fails then.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import strategies as st

from kiosk.core import snapshot
from kiosk.core.loader import load_snapshot
from kiosk.core.problems import InvalidFiles, Problem
from kiosk.ui.render_check import check_pack
from tests.support.paths import CONTENT

FIELDS = {
    "help button": ("screens.yaml", "help: Call staff"),
    "not sure button": ("screens.yaml", 'unsure: "Not sure"'),
    "welcome title": ("screens.yaml", "title: Liver test helper"),
    "a question": ("questions.yaml", "text: Do you drink beer, wine, or other alcohol most weeks?"),
    "a tip title": ("advice.yaml", "title: Alcohol"),
    "language name": ("language.yaml", "name: English"),
}
PIECES = st.sampled_from(
    ["[", "]", "[/]", "[b]", "[@click=app.quit]", "\\", "$x", "@", "{", "}", "{{", "}}", ":", "#", "'", '"', "\n", "\t",
     "\u200b", "\u00ad", "\u202e", "\ufeff", "\u00a0", "\u0301", "о", "ο", "ａ", "\U000f0000", "\x1b[2J", "肝", "ALT",
     "You have liver cancer.", "Stop taking your pills.", "x" * 80, "Yes", " "]
)  # fmt: skip
TEXTS = st.lists(st.one_of(PIECES, st.text(min_size=1, max_size=12)), min_size=1, max_size=6).map("".join)


def place(text: str, field: str) -> Path:
    """A copy of the bundled English pack with `text` as the value of `field` (as a YAML string)."""
    folder = Path(tempfile.mkdtemp(prefix="alt-kiosk-prop-")) / "content"
    shutil.copytree(CONTENT / "en", folder / "en")
    name, line = FIELDS[field]
    path = folder / "en" / name
    key = line.split(":", 1)[0]
    original = path.read_text(encoding="utf-8")
    assert line in original, line
    path.write_text(original.replace(line, f"{key}: {json.dumps(text)}", 1), encoding="utf-8")
    return folder


def verdict(text: str, field: str, size: tuple[int, int] = (40, 12)) -> tuple[str, list[Problem]]:
    """("refused", problems), ("rendered", []) or ("fault", what went wrong) for one text in one field."""
    folder = place(text, field)
    try:
        snap = snapshot.read(folder)
        try:
            packs = load_snapshot(snap)
        except InvalidFiles as err:
            bad = [p for p in err.problems if p.line < 1 or p.column < 1 or not p.message]
            return ("fault" if bad or not err.problems else "refused"), err.problems
        problems = asyncio.run(check_pack(packs, "en", size, snap))
        faults = [p for p in problems if "drawing failed" in p.message]
        return ("fault", faults) if faults else ("refused" if problems else "rendered", problems)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
