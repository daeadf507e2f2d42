"""The kiosk's voice on screen and in the conversation: what the top line says about sound and the
microphone, and what happens with a heard answer: act on it; or, when it is probably right, highlight the
guess and ask "Did you mean ...? Tap it, or say it again." (saying it again acts); or say sorry and, the
second time, suggest tapping. Speaker and listener call from their own threads; these messages bring it to the UI's."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from rich.cells import cell_len
from textual.message import Message
from textual.widgets import Button

from kiosk.core.flow import Prompt
from kiosk.hearing import Decision, Heard, Listener, settle
from kiosk.station import logs
from kiosk.ui.host import Host
from kiosk.ui.idle_watch import IdleWatch
from kiosk.ui.prompt_view import PromptView
from kiosk.ui.screens import JourneyScreen
from kiosk.ui.widgets import StatusBar

log = logging.getLogger("kiosk")

HEARD_SECONDS = 3.0
"""How long "Heard: ..." stays on screen."""


class SpeakingChanged(Message):
    def __init__(self, speaking: bool) -> None:
        self.speaking = speaking
        super().__init__()


class HeardSomething(Message):
    def __init__(self, heard: Heard) -> None:
        self.heard = heard
        super().__init__()


class VoiceHost(Host, Protocol):
    """What the voice hooks read of the app (they write none of it)."""

    @property
    def prompt(self) -> Prompt: ...
    @property
    def hearable(self) -> frozenset[str]: ...
    @property
    def journey(self) -> JourneyScreen: ...
    @property
    def listener(self) -> Listener: ...
    @property
    def idle(self) -> IdleWatch: ...
    @property
    def view(self) -> PromptView: ...

    def show_hint(self, text: str | None = None) -> None: ...
    def set_timer(self, delay: float, callback: Callable[[], None]) -> Any: ...


class VoiceHooks:
    class Answered(Message):
        """The patient said an answer (or a control) the kiosk is sure of: the app acts on it."""

        def __init__(self, intent: str) -> None:
            self.intent = intent
            super().__init__()

    def __init__(self, app: VoiceHost) -> None:
        self.app = app
        self.speaking = False
        self.misses = 0
        """Answers not understood on this screen."""
        self.guess: Heard | None = None
        """The hearing whose answer the kiosk asked the patient to confirm, if it did."""
        self._heard_text: str | None = None
        self._sound_ok = app.speaker.available
        self._voice_ok = app.listener.available

    def forget(self) -> None:
        """A new patient: no misses, no guess, nothing heard."""
        self.new_screen()
        self._heard_text = None

    def new_screen(self) -> None:
        """A new screen, or an answer given: no misses, no guess."""
        self.misses = 0
        self.drop_guess()

    def drop_guess(self) -> None:
        if self.guess is not None:
            self.guess = None
            self.app.journey.mark_guess(None)
            self.app.show_hint()

    def refresh(self) -> None:
        """The top line's voice part: heard, speaking, listening or voice off (and sound off)."""
        app = self.app
        texts = app.content.texts
        if self._heard_text is not None:
            text = texts["status_heard"].format(text=self._heard_text).show
        elif self.speaking:
            text = texts["status_speaking"].show
        elif app.listener.available:
            text = texts["status_listening"].show
        else:
            text = texts["status_voice_off"].show
        bar = app.journey.query_one(StatusBar)
        if app.speaker.speaks(app.language):
            bar.set_voice(text)
        else:  # a narrow panel drops "Sound is off." first: tapping is what the patient must know
            sound_off = texts["status_sound_off"].show
            space = "" if cell_len(sound_off[-1:]) == 2 else " "  # Chinese: "没有声音。语音…", no space
            bar.set_voice(f"{sound_off}{space}{text}", text)

    def tick(self) -> None:
        """A microphone or speaker that came or went shows at once."""
        app = self.app
        if app.listener.available != self._voice_ok:
            self._voice_ok = app.listener.available
            self.refresh()
        if app.speaker.available != self._sound_ok:
            self._sound_ok = app.speaker.available
            app.journey.query_one("#control-sound", Button).display = self._sound_ok
            self.refresh()

    def speaking_changed(self, speaking: bool) -> None:
        self.speaking = speaking
        self.app.listener.set_speaking(speaking)
        self.refresh()

    def heard(self, heard: Heard) -> None:
        app = self.app
        self._heard_text = heard.text or "?"
        self.refresh()
        app.set_timer(HEARD_SECONDS, self._forget_heard)
        if app.idle.warning:
            app.idle.heard(heard.text)
            return
        intent = heard.intent
        if intent is not None and intent in app.hearable:
            if settle(self.guess, heard).decision is Decision.ACT:
                app.post_message(self.Answered(intent))
            else:
                self._ask(heard, intent)
            return
        self.drop_guess()
        self.misses += 1
        logs.trace("intent rejected (voice), miss %d on this screen", self.misses)
        texts = app.content.texts
        sorry = texts["not_understood"].say
        if self.misses >= 2:
            sorry += " " + texts["try_tapping"].say
        app.speaker.speak(f"{sorry} {app.prompt.spoken}", app.language)

    def _ask(self, heard: Heard, intent: str) -> None:
        """Probably right: highlight the guess and ask the patient to tap it or say it again."""
        app = self.app
        content = app.content
        self.guess = heard
        button = app.journey.mark_guess(intent)
        if button is not None:
            button.focus()  # Enter on a number pad confirms it too
        label = app.view.label(intent)
        template = content.texts["did_you_mean"]
        app.show_hint(template.show.format(answer=label.show))
        logs.trace("answer to confirm (voice)")
        app.speaker.speak(template.say.format(answer=label.say), app.language)

    def _forget_heard(self) -> None:
        self._heard_text = None
        self.refresh()
