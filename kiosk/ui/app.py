"""The kiosk app: turns taps, keys and heard words into intents and shows what the conversation says."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Button

from kiosk.core.flow import IDLE_TIMEOUT, Conversation, Effect, Kind, Prompt, Session, spoken_texts
from kiosk.core.model import CONTROL_INTENTS, Content
from kiosk.hearing import Heard
from kiosk.station import logs
from kiosk.ui.content_updates import ContentUpdates
from kiosk.ui.idle_watch import IdleWatch
from kiosk.ui.prompt_view import LANGUAGE_PREFIX, MORE, PromptView
from kiosk.ui.screens import AdminAction, JourneyScreen
from kiosk.ui.sound_panel import SoundPanel
from kiosk.ui.staff import StaffDesk
from kiosk.ui.station_app import LEAVE_EXIT_CODE, StationApp
from kiosk.ui.voice_hooks import HeardSomething, SpeakingChanged, VoiceHooks
from kiosk.ui.widgets import MessageView

log = logging.getLogger("kiosk")


class KioskApp(StationApp, inherit_bindings=False):
    """One kiosk. Every patient action, whatever its source, goes through `act`. The helpers beside it
    (idle watch, sound panel, staff desk, voice hooks, prompt view, content updates) read what they need
    of it and post messages for what should change; only the app writes its state."""

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

    def set_up(self) -> None:
        """The patient's side, built once the service side is (StationApp.__init__ calls it)."""
        settings = self.settings
        self.staff = StaffDesk(self)
        self.staff.pin_guard.on_lockout = self.metrics.pin_locked_out
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
        self.start_station()
        self.call_after_refresh(self.show, True)

    def use_language(self, code: str) -> None:
        """Speak `code` from now on, starting a fresh session in it."""
        self.language = code
        self.conversation = Conversation(self.packs[code])
        self.session = self.conversation.start()

    def _speaking_changed(self, speaking: bool) -> None:
        self.post_message(SpeakingChanged(speaking))  # thread-safe

    def _heard(self, heard: Heard) -> None:
        self.post_message(HeardSomething(heard))

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
            self.metrics.session_started()
        elif before.history and not self.session.history:
            log.info("session ended")
            self.metrics.session_ended()

    def _after(self, effect: Effect) -> None:
        if effect is Effect.SHOW:
            if self.session == self.conversation.start():
                self._wipe()
            self.show()
        elif effect is Effect.SPEAK_AGAIN:
            self.speak_prompt()

    @property
    def content(self) -> Content:
        """The language pack the patient is using now."""
        return self.packs[self.language]

    def between_patients(self) -> bool:
        """Nobody is using the kiosk: the welcome screen, before any answer."""
        return self.prompt.kind is Kind.WELCOME and not self.session.history

    def _wipe(self) -> None:
        """Forget everything about the patient: answers, history, language and what was said."""
        self._take_new_content()
        self.use_language(self.default_language())
        self.spoken = []
        self.voice.forget()
        self.volume_step, self.rate = self.settings.volume_step, self.settings.rate
        self.speaker.configure(self.volume_step, self.rate)

    def _take_new_content(self) -> bool:
        """Content accepted while a patient used the kiosk goes live now (between patients); True if
        there was some."""
        packs = self.updates.take_pending()
        if packs is None:
            return False
        self.packs = self.offered(packs)
        self.speaker.prepare(spoken_texts(self.packs, self.settings.idle_warning_seconds))
        log.info("content applied: %s", self.status_line())
        self.metrics.content_went_live()
        return True

    def on_content_updates_accepted(self, _: ContentUpdates.Accepted) -> None:
        if self.between_patients() and self._take_new_content():
            self.use_language(self.default_language())
            self.show()

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
        self.prompt = self.conversation.prompt(self.session)
        self.view.draw()
        self.voice.refresh()
        self.shown_at = -1e9 if first else self.clock()
        self.voice.new_screen()
        self.speak_prompt()
        self.hearable = self.view.listen()
        if first:
            self.call_after_refresh(self.notifier.ready, self.status_line())

    def speak_prompt(self) -> None:
        self.spoken.append(self.prompt.spoken)
        self.speaker.speak(self.prompt.spoken, self.language)

    def show_hint(self, text: str | None = None) -> None:
        """The line under the message: `text`, or the screen's own hint."""
        self.view.hint(text)

    def on_message_view_paged(self, message: MessageView.Paged) -> None:
        self.view.paged(message.has_more)

    # Input -----------------------------------------------------------------------------

    def on_journey_screen_chosen(self, message: JourneyScreen.Chosen) -> None:
        self.act(message.action)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if (event.button.id or "").startswith("sound-"):  # the sound panel's buttons
            event.stop()
            self.idle.touched()
            self.sound_panel.act(event.button.id.removeprefix("sound-"))  # type: ignore[union-attr]

    def action_digit(self, number: int) -> None:
        if not self.idle.warning:
            self.journey.press_key(str(number))

    def action_press_focused(self) -> None:
        if isinstance(self.focused, Button) and not self.focused.disabled:
            self.focused.press()

    def on_speaking_changed(self, message: SpeakingChanged) -> None:
        if self.is_running:  # stopping, Textual takes the widgets down while it still hands out messages
            self.voice.speaking_changed(message.speaking)

    def on_heard_something(self, message: HeardSomething) -> None:
        if self.is_running:
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

    def on_staff_desk_default_volume(self, message: StaffDesk.DefaultVolume) -> None:
        self.settings = replace(self.settings, volume_step=message.step)
        self.volume_step = message.step
        self.speaker.configure(self.volume_step, self.rate)

    def on_staff_desk_reload(self, _: StaffDesk.Reload) -> None:
        self.reload()

    def on_staff_desk_leave(self, _: StaffDesk.Leave) -> None:
        self.stop(LEAVE_EXIT_CODE)

    def before_stop(self) -> None:
        self.staff.close_meter()

    # Sound panel, voice and idle (kiosk/ui/sound_panel.py, voice_hooks.py, idle_watch.py) --

    def on_sound_panel_changed(self, message: SoundPanel.Changed) -> None:
        self.volume_step, self.rate = message.volume_step, message.rate
        self.speaker.configure(self.volume_step, self.rate)
        self.sound_panel.refresh()
        self.speaker.speak(message.said, self.language)

    def on_voice_hooks_answered(self, message: VoiceHooks.Answered) -> None:
        self.act(message.intent, by_voice=True)

    def _tick(self) -> None:
        self.voice.tick()
        self.idle.tick(session_open=not self.staff.busy and self.prompt.kind is not Kind.WELCOME)

    def on_idle_watch_timed_out(self, _: IdleWatch.TimedOut) -> None:
        self.timed_out()

    def timed_out(self) -> None:
        """Nobody answered the idle warning: the session is wiped."""
        self.speaker.stop()
        before = self.session
        self.session, effect = self.conversation.handle(self.session, IDLE_TIMEOUT)
        self._log_session(before)
        self._after(effect)
