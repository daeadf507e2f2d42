"""The kiosk app: turns taps, keys and heard words into intents and shows what the conversation says."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.console import RenderableType
from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.widgets import Button

from kiosk.core.flow import IDLE_TIMEOUT, Conversation, Effect, Kind, Prompt, Session
from kiosk.core.model import CONTROL_INTENTS, Content
from kiosk.hearing import Heard, Listener, SilentListener
from kiosk.speaking import SilentSpeaker, Speaker
from kiosk.station import logs
from kiosk.station.content_store import ContentStore
from kiosk.station.notify import Notifier, watchdog_interval
from kiosk.station.settings import Settings
from kiosk.ui.content_updates import ContentUpdates
from kiosk.ui.idle_watch import IdleWatch
from kiosk.ui.languages import console_terminal, offer
from kiosk.ui.prompt_view import LANGUAGE_PREFIX, MORE, PromptView
from kiosk.ui.screens import CONTROL_KEYS, SOUND_KEY, AdminAction, JourneyScreen
from kiosk.ui.sound_panel import SoundPanel
from kiosk.ui.staff import LEAVE_EXIT_CODE, StaffDesk
from kiosk.ui.theme import KIOSK_THEME
from kiosk.ui.voice_hooks import HeardSomething, SpeakingChanged, VoiceHooks
from kiosk.ui.widgets import MessageView

log = logging.getLogger("kiosk")

HARD_EXIT_SECONDS = 0.9
"""SIGTERM to exit never takes longer (the promise to staff and systemd is 1 s)."""


class KioskApp(App[None], inherit_bindings=False):
    """One kiosk. Every patient action, whatever its source, goes through `act`."""

    CSS_PATH = Path(__file__).with_name("kiosk.tcss")
    TITLE = "alt-kiosk"
    ENABLE_COMMAND_PALETTE = False
    AUTO_FOCUS = None  # the app focuses the first answer itself on every screen
    ALLOW_SELECT = False
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (56, "-normal")]  # noqa: RUF012 (Textual's own declaration)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (19, "-tall")]  # noqa: RUF012
    """Small panels: below 56 columns buttons wrap their labels, below 19 rows the PIN pad goes 4 wide."""
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"digit({n})", show=False) for n in range(1, 10)),
        Binding("space", "press_focused", show=False),
        Binding("asterisk", "staff_gesture", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        packs: dict[str, Content],
        speaker: Speaker | None = None,
        listener: Listener | None = None,
        clock: Callable[[], float] = time.monotonic,
        store: ContentStore | None = None,
        notifier: Notifier | None = None,
        reload_settings: Callable[[], Settings] | None = None,
    ) -> None:
        super().__init__()
        self.register_theme(KIOSK_THEME)
        self.theme = KIOSK_THEME.name
        self.settings = settings
        self.undrawable: list[str] = []
        """Languages the configuration offers that this terminal cannot draw (left out)."""
        self.packs = self.offered(packs)
        self.notifier = notifier or Notifier("")
        self.updates = ContentUpdates(self, store, reload_settings)
        self.speaker: Speaker = speaker or SilentSpeaker()
        self.listener: Listener = listener or SilentListener()
        self.clock = clock
        self.staff = StaffDesk(self)
        self.language = ""
        self.conversation: Conversation
        self.session: Session
        self.use_language(self.default_language())
        self.prompt: Prompt = self.conversation.prompt(self.session)
        self.hearable: frozenset[str] = frozenset()
        """The intents a patient may say on the screen shown (its answers and controls; on the welcome, languages)."""
        self.shown_at = -1e9
        """When the screen (or page) on show appeared, for the double-tap guard."""
        self.journey = JourneyScreen()
        self.idle = IdleWatch(self)
        self.voice = VoiceHooks(self)
        self.view = PromptView(self)
        self.sound_panel = SoundPanel(self)
        self.volume_step = settings.volume_step
        self.rate = settings.rate
        self.spoken: list[str] = []
        """What was sent to the speaker this session, for tests; wiped with the session."""
        if not settings.kiosk_mode:
            self._bindings.bind("ctrl+q", "quit", show=False, priority=True)

    # Start-up -----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.speaker.set_listener(self._speaking_changed)
        self.listener.set_listener(self._heard)
        self.push_screen(self.journey)
        self.set_interval(0.25, self._tick)
        # Outside the main thread (tests) there is no signal to hook.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, self.stop)
            loop.add_signal_handler(signal.SIGHUP, self._on_sighup)
        self.updates.start()
        interval = watchdog_interval()
        if interval is not None:
            # Pinged from the UI's own event loop: a frozen UI stops the pings and systemd restarts it.
            self.set_interval(interval, self.notifier.watchdog)
        self.call_after_refresh(self.show, True)

    def get_driver_class(self) -> type[Driver]:
        """On a real Linux terminal, the driver whose input survives any bytes (kiosk/ui/terminal.py)."""
        from textual.drivers.linux_driver import LinuxDriver

        from kiosk.ui.terminal import KioskDriver

        driver = super().get_driver_class()
        return KioskDriver if driver is LinuxDriver else driver

    def panic(self, *renderables: RenderableType) -> None:
        """Textual gave up (e.g. its input thread died): exit non-zero, so systemd and staff see a crash."""
        log.error("the kiosk ended unexpectedly (Textual panic)")
        if self.return_code is None:
            self._return_code = 1
        super().panic(*renderables)

    def _handle_exception(self, error: Exception) -> None:
        """An error in the kiosk's own code: Textual ends the app with exit 1; the journal says what it was."""
        log.error("the kiosk ended unexpectedly", exc_info=error)
        super()._handle_exception(error)

    def on_resize(self, event: events.Resize) -> None:
        log.info("screen size %dx%d cells", event.size.width, event.size.height)  # for sizing a panel's font

    def status_line(self) -> str:
        version = ",".join(f"{code} {pack.version}" for code, pack in self.packs.items())
        voices = ", ".join(f"{code} {v}" for code in self.packs if (v := self.speaker.voice_of(code)))
        sound = f"on ({voices})" if self.speaker.available and voices else "off"
        voice = "on" if self.listener.available else "off"
        hidden = f"; {', '.join(self.undrawable)} not offered (the console cannot draw it)" if self.undrawable else ""
        return f"content {version}{self.updates.status()}; sound {sound}; voice input {voice}{hidden}"

    def offered(self, packs: dict[str, Content]) -> dict[str, Content]:
        """The languages configuration offers (all in the content when it names none), in its order."""
        chosen, self.undrawable = offer(packs, self.settings.languages, console_terminal())
        if self.undrawable:
            log.warning("language %s not offered: the Linux console cannot draw it", ", ".join(self.undrawable))
        return chosen

    def default_language(self) -> str:
        return self.settings.language if self.settings.language in self.packs else next(iter(self.packs))

    def use_language(self, code: str) -> None:
        """Speak `code` from now on, starting a fresh session in it."""
        self.language = code
        self.conversation = Conversation(self.packs[code])
        self.session = self.conversation.start()

    def _on_sighup(self) -> None:
        """SIGHUP is systemd's "reload", but also what a terminal sends when it goes away."""
        try:
            termios.tcgetattr(sys.__stdin__.fileno() if sys.__stdin__ else 0)
        except (OSError, termios.error, ValueError):
            log.info("terminal hung up")
            self.stop()
            return
        self.reload()

    def reload(self) -> None:
        """SIGHUP: read the configuration and the content again (content applies between patients)."""
        self.updates.reload()

    def _speaking_changed(self, speaking: bool) -> None:
        self.post_message(SpeakingChanged(speaking))  # thread-safe

    def _heard(self, heard: Heard) -> None:
        self.post_message(HeardSomething(heard))

    def stop(self, code: int = 0) -> None:
        """SIGTERM, or staff leaving kiosk mode: stop speech and the microphone, then exit."""
        log.info("stopping (%s)", "staff left kiosk mode" if code == LEAVE_EXIT_CODE else "SIGTERM")
        self.notifier.stopping()
        self.speaker.stop()
        self.listener.close(timeout=0)  # the microphone closes after the UI (kiosk.ui.launch), in bounded time
        self.staff.close_meter()
        # If the terminal is gone, Textual can hang restoring it: never take longer than systemd allows.
        if not self.is_headless:
            guard = threading.Timer(HARD_EXIT_SECONDS, os._exit, args=(code,))
            guard.daemon = True  # a normal exit ends it
            guard.start()
        self.exit(return_code=code)

    # Acting ----------------------------------------------------------------------------

    def act(self, intent: str, *, by_voice: bool = False) -> None:
        """Do what a patient asked, by tap, key or voice (all end up here)."""
        if not by_voice and self.clock() - self.shown_at < self.settings.tap_guard_seconds:
            return  # a double tap, or a tap meant for the screen that just went away
        self.idle.touched()
        self.voice.drop_guess()
        if intent != "repeat":
            self.speaker.stop()
        if intent == MORE or (intent == "next" and self.prompt.kind is Kind.READBACK and self._message.has_more):
            self._message.next_page()
            self.shown_at = self.clock()  # a new page is a new screen for the double-tap guard
            self.journey.renew_answer_buttons()
            return
        if intent == "sound":
            self.sound_panel.open()
            return
        if intent.startswith(LANGUAGE_PREFIX):
            self._set_language(intent.removeprefix(LANGUAGE_PREFIX))
            return
        before = self.session
        self.session, effect = self.conversation.handle(self.session, intent)
        self._log_session(before)
        logs.trace(
            "intent accepted (%s): %s",
            "voice" if by_voice else "touch",
            intent if intent in CONTROL_INTENTS else "answer",
        )
        self._after(effect)

    def _log_session(self, before: Session) -> None:
        """The same two lines for every patient: how a session ended (finished, start over, front desk)
        would tell who reported warning signs."""
        if not before.history and self.session.history:
            log.info("session started")
        elif before.history and not self.session.history:
            log.info("session ended")

    def _after(self, effect: Effect) -> None:
        if effect is Effect.SHOW:
            if self.session == self.conversation.start():
                self._wipe()
            self.show()
        elif effect is Effect.SPEAK_AGAIN:
            self.view.speak()

    def between_patients(self) -> bool:
        """Nobody is using the kiosk: the welcome screen, before any answer."""
        return self.prompt.kind is Kind.WELCOME and not self.session.history

    def _wipe(self) -> None:
        """Forget everything about the patient: answers, history, language and what was said."""
        if not self.updates.apply_pending():
            self.use_language(self.default_language())
        self.spoken = []
        self.voice.forget()
        self.volume_step, self.rate = self.settings.volume_step, self.settings.rate
        self.speaker.configure(self.volume_step, self.rate)

    def _set_language(self, code: str) -> None:
        if code in self.packs:
            self.use_language(code)
            self.show()

    @property
    def _message(self) -> MessageView:
        return self.journey.query_one(MessageView)

    # Showing (kiosk.ui.prompt_view) ----------------------------------------------------

    def show(self, first: bool = False) -> None:
        """Draw and speak the conversation's prompt now; listen for its answers."""
        self.view.show(first)

    def show_hint(self, text: str | None = None) -> None:
        """The line under the message: `text`, or the screen's own hint."""
        self.view.hint(text)

    def on_message_view_paged(self, message: MessageView.Paged) -> None:
        self.view.paged(message.has_more)

    # Input -----------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if (event.button.id or "").startswith("sound-"):
            self.idle.touched()
            self.sound_panel.act(event.button.id.removeprefix("sound-"))  # type: ignore[union-attr]
            return
        action = self.journey.action_of(event.button)
        if action is not None:
            self.act(action)

    def action_digit(self, number: int) -> None:
        if self.idle.warning:
            return
        if str(number) == SOUND_KEY:
            if self.speaker.available:
                self.act("sound")
            return
        for intent, key in CONTROL_KEYS.items():
            if key == str(number):
                if intent in self.prompt.controls:
                    self.act(intent)
                return
        buttons = self.journey.answer_buttons()
        if number <= len(buttons):
            buttons[number - 1].press()

    def action_press_focused(self) -> None:
        if isinstance(self.focused, Button) and not self.focused.disabled:
            self.focused.press()

    def on_speaking_changed(self, message: SpeakingChanged) -> None:
        self.voice.speaking_changed(message.speaking)

    def on_heard_something(self, message: HeardSomething) -> None:
        self.voice.heard(message.heard)

    # Events and idle (kiosk/ui/idle_watch.py) --------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.MouseDown) and event.screen_y == 0 and not self.staff.busy:
            self.staff.gesture(tap=True)  # taps on the top line are the touch form of the staff gesture
        if isinstance(event, events.Key | events.MouseDown):
            self.idle.touched()
            if self.idle.still_here():
                event.prevent_default()
                return
        await super().on_event(event)

    # Staff (kiosk/ui/staff.py) ------------------------------------------------------------

    def action_staff_gesture(self) -> None:
        self.staff.gesture()

    def on_admin_action(self, message: AdminAction) -> None:
        self.staff.act(message.action)

    def _tick(self) -> None:
        self.voice.tick()
        self.idle.tick()

    def timed_out(self) -> None:
        """Nobody answered the idle warning: the session is wiped."""
        self.speaker.stop()
        before = self.session
        self.session, effect = self.conversation.handle(self.session, IDLE_TIMEOUT)
        self._log_session(before)
        self._after(effect)
