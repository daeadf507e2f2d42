"""The "Are you still there?" warning that counts down before a session is wiped."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.ui.widgets.wrapped import Wrapped


class IdleScreen(ModalScreen[bool], inherit_bindings=False):
    """Dismissed with True by any touch, key or "I'm still here"; the app wipes the session otherwise."""

    AUTO_FOCUS = None

    def __init__(self, title: str, body_template: str, seconds: int) -> None:
        super().__init__()
        self._title = title
        self._template = body_template
        self._seconds = seconds

    def compose(self) -> ComposeResult:
        with Vertical(id="idle-box"):
            yield Wrapped(self._title, id="idle-title")
            yield Wrapped(self._template.format(seconds=self._seconds), id="idle-body")

    def count(self, seconds: int) -> None:
        """Show `seconds` left (a tick can come before the screen is composed: it then composes with them)."""
        self._seconds = seconds
        for body in self.query("#idle-body").results(Static):
            body.update(self._template.format(seconds=seconds))
