"""Staff screens: the PIN pad, and the admin screen behind it (status, sound, content, leave)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static

PAD = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok")
ADMIN_ACTIONS = {
    "speaker-test": "Speaker test",
    "volume-down": "Volume -",
    "volume-up": "Volume +",
    "reload": "Reload content",
    "leave": "Leave kiosk",
    "close": "Close",
}


class AdminAction(Message):
    """A staff action on the admin screen, carried out by the app."""

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__()


class PinScreen(ModalScreen[str | None], inherit_bindings=False):
    """Collects a PIN by keys or the on-screen pad; dismisses with the PIN, or None on cancel."""

    AUTO_FOCUS = ""  # nothing focused: Enter means OK, not "press the focused digit"

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"digit('{n}')", show=False) for n in range(10)),
        Binding("backspace", "digit('del')", show=False),
        Binding("enter", "digit('ok')", show=False),
        Binding("escape", "dismiss_none", show=False),
    ]

    def __init__(self, message: str = "Staff PIN") -> None:
        super().__init__()
        self._message = message
        self.pin = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-box"):
            yield Static(self._message, id="pin-title", markup=False)
            yield Static("", id="pin-dots", markup=False)
            with Grid(id="pin-pad"):
                for key in PAD:
                    yield Button({"del": "Del", "ok": "OK"}.get(key, key), id=f"pin-{key}", classes="kiosk control")
            yield Button("Cancel", id="pin-cancel", classes="kiosk control")

    def on_mount(self) -> None:
        self._show_pin()

    def on_resize(self) -> None:
        self._show_pin()  # the panel's size decides whether Del stands in for Cancel

    def action_digit(self, key: str) -> None:
        if key == "ok":
            self.dismiss(self.pin)
            return
        if key == "del" and not self.pin:  # an empty PIN: the key says Cancel (a small panel has no room for both)
            self.dismiss(None)
            return
        self.pin = self.pin[:-1] if key == "del" else (self.pin + key)[:12]
        self._show_pin()

    def _show_pin(self) -> None:
        self.query_one("#pin-dots", Static).update("*" * len(self.pin))
        # A short panel has no Cancel button: there Del, while the PIN is empty, says Cancel (one Cancel key).
        tall_from = {name: rows for rows, name in self.app.VERTICAL_BREAKPOINTS or []}.get("-tall", 0)
        short = self.app.size.height < tall_from  # where the CSS gives the screen "-short" and hides Cancel
        self.query_one("#pin-del", Button).label = "Cancel" if short and not self.pin else "Del"

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        key = (event.button.id or "").removeprefix("pin-")
        if key == "cancel":
            self.dismiss(None)
        else:
            self.action_digit(key)


class AdminScreen(ModalScreen[str], inherit_bindings=False):
    """Status and maintenance for staff; dismisses with the action chosen (the app carries it out)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab,right,down", "app.focus_next", show=False),
        Binding("shift+tab,left,up", "app.focus_previous", show=False),
    ]

    def __init__(self, status: str) -> None:
        super().__init__()
        self._status = status

    def compose(self) -> ComposeResult:
        with Vertical(id="admin-box"):
            yield Static("Staff", id="admin-title", markup=False)
            yield Static(self._status, id="admin-status", markup=False)
            yield Static("", id="admin-level", markup=False)
            with Horizontal(classes="button-row"):
                for action in ("speaker-test", "volume-down", "volume-up"):
                    yield Button(ADMIN_ACTIONS[action], id=f"admin-{action}", classes="kiosk control")
            with Horizontal(classes="button-row"):
                for action in ("reload", "leave", "close"):
                    yield Button(ADMIN_ACTIONS[action], id=f"admin-{action}", classes="kiosk control")

    def update_status(self, status: str, level: str) -> None:
        """Show the status and the microphone meter (a no-op until the screen is composed: on a busy
        machine the first refresh can come before its widgets exist)."""
        if not self.is_mounted:
            return
        for widget_id, text in (("#admin-status", status), ("#admin-level", level)):
            for widget in self.query(widget_id).results(Static):
                widget.update(text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        action = (event.button.id or "").removeprefix("admin-")
        if action == "close":
            self.dismiss("close")
        else:
            self.app.post_message(AdminAction(action))
