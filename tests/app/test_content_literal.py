"""Content is text, never markup: brackets, backslashes and Textual's "@click" or "$var" show as typed."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Button

from kiosk.core.flow import Kind
from tests.support.kiosk_driver import keys, make_app, screen_text
from tests.support.paths import CONTENT

MARKUP = {
    "help: Call staff": 'help: "Call staff [/]"',
    'unsure: "Not sure"': 'unsure: "Not sure [maybe]"',
    "sound: Sound": r'sound: "Sound [b]\\"',
    "next: Next": 'next: "Next [@click=app.quit]go[/]"',
    "more: More": 'more: "More $x [red]"',
}


def _marked_up_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    screens = folder / "en" / "screens.yaml"
    text = screens.read_text(encoding="utf-8")
    for old, new in MARKUP.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    screens.write_text(text, encoding="utf-8")
    return folder


def _labels(app: object) -> list[str]:
    assert hasattr(app, "screen")
    return [str(b.label) for b in app.screen.query(Button) if b.display]


async def test_labels_with_markup_characters_show_as_typed_and_work(tmp_path: Path) -> None:
    app = make_app(_marked_up_copy(tmp_path), voiced=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1", "2")  # start; no warning signs
        assert app.prompt.kind is Kind.QUESTION
        labels = _labels(app)
        assert "3 Not sure [maybe]" in labels and "9 Call staff [/]" in labels and "5 Sound [b]\\" in labels
        text = screen_text(app)
        assert "Not sure [maybe]" in text and "Call staff [/]" in text
        await keys(pilot, "3")  # "Not sure [maybe]": the answer is taken, nothing crashes
        assert app.prompt.kind is Kind.QUESTION and app.prompt.step == (3, 6)
        await keys(pilot, "9")  # Call staff [/]
        assert "Help is on the way" in screen_text(app)
        await keys(pilot, "7")
        await keys(pilot, "5")  # the sound panel's labels
        assert "Sound [b]\\" in screen_text(app)
    assert app.return_code in (None, 0)
