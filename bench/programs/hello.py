"""A bare Textual app that exits once its first screen is drawn: the floor bench/startup.py compares with."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static


class Hello(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello")

    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)


if __name__ == "__main__":
    Hello().run(headless=True, size=(80, 24))
