"""The sound panel: louder, softer, slower or normal speed. Reachable from every screen (key 5)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.ui.widgets.literal import literal
from kiosk.ui.widgets.wrapped import Wrapped

ACTIONS = ("louder", "softer", "rate", "done")


class SoundScreen(ModalScreen[None], inherit_bindings=False):
    """Changes volume and rate for this patient only; the app applies them and speaks a sample."""

    AUTO_FOCUS = "#sound-louder"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"press({n})", show=False) for n in range(1, len(ACTIONS) + 1)),
        Binding("tab,right,down", "app.focus_next", show=False),
        Binding("shift+tab,left,up", "app.focus_previous", show=False),
        Binding("space", "app.press_focused", show=False),
    ]

    def __init__(self, title: str, labels: dict[str, str], level_text: str) -> None:
        super().__init__()
        self._title = title
        self._labels = labels
        self._level_text = level_text

    def compose(self) -> ComposeResult:
        with Vertical(id="sound-box"):
            yield Wrapped(self._title, id="sound-title")
            yield Wrapped(self._level_text, id="sound-level")
            with Horizontal(classes="button-row"):
                for number, action in enumerate(ACTIONS, 1):
                    yield Button(
                        literal(f"{number} {self._labels[action]}"), id=f"sound-{action}", classes="kiosk answer"
                    )

    def show(self, level_text: str, rate_label: str) -> None:
        self.query_one("#sound-level", Static).update(level_text)
        self.query_one("#sound-rate", Button).label = literal(f"3 {rate_label}")

    def action_press(self, number: int) -> None:
        self.query_one(f"#sound-{ACTIONS[number - 1]}", Button).press()
