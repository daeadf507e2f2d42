"""The shape the style guide asks of every file: no function past cyclomatic complexity 20 (radon's count,
which also counts `and`/`or` and the `if`s of comprehensions, unlike ruff's mccabe), no file much past
300 lines."""

from __future__ import annotations

from radon.complexity import cc_visit

from tests.support.paths import ROOT

MAX_COMPLEXITY = 20
MAX_LINES = 320
SOURCES = sorted(p for folder in ("kiosk", "bench", "tests", "scripts") for p in (ROOT / folder).rglob("*.py"))


def test_there_is_code_to_measure() -> None:
    assert len(SOURCES) > 100 and ROOT / "kiosk" / "ui" / "app.py" in SOURCES


def test_no_function_past_complexity_20() -> None:
    too_complex = [
        f"{path.relative_to(ROOT)}:{block.lineno} {block.fullname} {block.complexity}"
        for path in SOURCES
        for block in cc_visit(path.read_text(encoding="utf-8"))
        if block.complexity > MAX_COMPLEXITY
    ]
    assert too_complex == []


def test_no_file_much_past_300_lines() -> None:
    lines = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in SOURCES}
    assert [f"{path.relative_to(ROOT)} {n}" for path, n in lines.items() if n > MAX_LINES] == []
