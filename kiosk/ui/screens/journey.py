"""The one screen a patient meets: status, message, answer buttons, and the fixed controls."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button

from kiosk.ui.widgets import MessageView, StatusBar, Wrapped, literal

CONTROL_KEYS = {"repeat": "6", "back": "7", "restart": "8", "help": "9"}
"""Fixed digits of the controls, the same on every screen (number pads have them in one block)."""
SOUND_KEY = "5"
MAX_ANSWERS = 4


class JourneyScreen(Screen[None], inherit_bindings=False):
    """Draws whatever the conversation says, and says which answer or control a patient chose (by tap or
    by its digit); the app acts on it."""

    class Chosen(Message):
        """A patient pressed the button of `action` (an answer's action, or a control's intent)."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    AUTO_FOCUS = None
    answer_actions: list[str]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab,right,down", "app.focus_next", show=False),
        Binding("shift+tab,left,up", "app.focus_previous", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.answer_actions = []

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield MessageView(id="message")
        yield Wrapped("", id="hint")
        with Horizontal(id="answers", classes="button-row"):
            for number in range(1, MAX_ANSWERS + 1):
                yield Button(str(number), id=f"slot-{number}", classes="kiosk answer")
            yield Button(SOUND_KEY, id="control-sound", classes="kiosk control")
        with Horizontal(id="controls", classes="button-row"):
            for intent, key in CONTROL_KEYS.items():
                yield Button(key, id=f"control-{intent}", classes="kiosk control")

    def set_answers(self, buttons: list[tuple[str, str]]) -> None:
        """Show these answer buttons, (action, label) in order, numbered from 1; hide the rest."""
        self.answer_actions = [action for action, _ in buttons[:MAX_ANSWERS]]
        self.renew_answer_buttons()
        for number, button in enumerate(self.query_one("#answers", Horizontal).query(".answer").results(Button), 1):
            if number <= len(self.answer_actions):
                button.label = literal(f"{number} {buttons[number - 1][1]}")
                button.display = True
            else:
                button.display = False

    def set_controls(self, labels: dict[str, str], enabled: frozenset[str], sound: bool) -> None:
        sound_button = self.query_one("#control-sound", Button)
        sound_button.label = literal(f"{SOUND_KEY} {labels['sound']}")
        sound_button.display = sound
        for intent, key in CONTROL_KEYS.items():
            button = self.query_one(f"#control-{intent}", Button)
            button.label = literal(f"{key} {labels[intent]}")
            button.disabled = intent not in enabled

    def renew_answer_buttons(self) -> None:
        """A new screen's (or page's) buttons are new buttons: forget Textual's 0.2 s "just pressed" state."""
        for button in self.query_one("#answers", Horizontal).query(".answer").results(Button):
            button.remove_class("-active")

    def mark_guess(self, action: str | None) -> Button | None:
        """Highlight the button of the answer the kiosk thinks it heard (None: no guess); return it."""
        marked = None
        for button in self.query(Button):
            guessed = action is not None and button.display and self.action_of(button) == action
            button.set_class(guessed, "-guess")
            marked = button if guessed else marked
        return marked

    def answer_buttons(self) -> list[Button]:
        """The answer buttons shown now, in order."""
        return [b for b in self.query_one("#answers", Horizontal).query(".answer").results(Button) if b.display]

    def press_key(self, key: str) -> None:
        """Press the button that digit `key` stands for, as a tap would (nothing if it is hidden or off)."""
        keys = {SOUND_KEY: "control-sound", **{k: f"control-{intent}" for intent, k in CONTROL_KEYS.items()}}
        for button in self.query(f"#{keys.get(key, f'slot-{key}')}").results(Button):
            button.press()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        action = self.action_of(event.button)
        if action is not None:
            event.stop()
            self.post_message(self.Chosen(action))

    def action_of(self, button: Button) -> str | None:
        """The action an answer or control button stands for."""
        button_id = button.id or ""
        if button_id.startswith("slot-"):
            number = int(button_id.removeprefix("slot-"))
            return self.answer_actions[number - 1] if number <= len(self.answer_actions) else None
        return button_id.removeprefix("control-") if button_id.startswith("control-") else None
