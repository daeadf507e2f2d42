"""The top line: where the patient is ("Question 2 of 6") and what the voice is doing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from kiosk.ui.widgets.wrapped import Wrapped


class StatusBar(Horizontal):
    DEFAULT_CSS = """
    StatusBar { height: auto; }
    StatusBar #progress { width: auto; }
    StatusBar #voice { width: 1fr; padding-left: 2; text-align: right; }
    """
    """Where progress and voice status do not fit on one line (a small panel), the voice status wraps."""

    def compose(self) -> ComposeResult:
        yield Wrapped("", id="progress")
        yield Wrapped("", id="voice")

    def set_progress(self, text: str) -> None:
        self.query_one("#progress", Static).update(text)

    def set_voice(self, text: str) -> None:
        self.query_one("#voice", Static).update(text)
