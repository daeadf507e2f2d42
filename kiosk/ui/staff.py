"""Staff at the kiosk: the hidden gesture, the PIN pad and the admin screen.

Five taps on the top line (or five presses of *) within four seconds open the PIN pad; the right PIN
opens the admin screen (status, microphone meter, speaker test, default volume, reload, leave kiosk
mode). Wrong PINs lock the pad (kiosk.station.admin_pin). Nothing here is reachable by a patient without
the PIN. What changes the kiosk (the default volume, reload, leaving) goes to the app as a message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from textual.message import Message
from textual.screen import Screen

from kiosk.speaking import VOLUME_LEVELS, clamp_volume_step
from kiosk.station.admin_pin import LOCK_FILE, PinGuard, hash_problem
from kiosk.station.settings import Settings
from kiosk.ui.content_updates import ContentUpdates
from kiosk.ui.host import Host
from kiosk.ui.screens import AdminScreen, PinScreen

if TYPE_CHECKING:
    from kiosk.hearing.level import MicLevel

log = logging.getLogger("kiosk")

GESTURE_COUNT = 5
GESTURE_SECONDS = 4.0
SAME_TAP_SECONDS = 0.08
"""Presses closer than this are one tap: no finger taps twice in 80 ms."""


class StaffHost(Host, Protocol):
    """What the staff desk reads of the app (it writes none of it)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def updates(self) -> ContentUpdates: ...

    def clock(self) -> float: ...
    def status_line(self) -> str: ...
    def push_screen(self, screen: Screen[Any], callback: Callable[[Any], None]) -> Any: ...
    def set_timer(self, delay: float, callback: Callable[[], None]) -> Any: ...


class StaffDesk:
    class DefaultVolume(Message):
        """Staff set the default volume step: it lasts until the configuration is read again."""

        def __init__(self, step: int) -> None:
            self.step = step
            super().__init__()

    class Reload(Message):
        """Staff asked for the configuration and the content to be read again."""

    class Leave(Message):
        """Staff leave kiosk mode: the kiosk ends with LEAVE_EXIT_CODE."""

    def __init__(self, host: StaffHost) -> None:
        self.host = host
        self.pin_guard = PinGuard(lambda: host.settings.admin_pin_hash, host.settings.state_dir / LOCK_FILE)
        self._gesture: list[float] = []
        self._screen: AdminScreen | PinScreen | None = None
        self._mic_level: MicLevel | None = None

    @property
    def busy(self) -> bool:
        """Staff have the PIN pad or the admin screen open."""
        return self._screen is not None

    def gesture(self, tap: bool = False) -> None:
        """One press of the gesture (`tap`: on the screen, else `*` on the keypad); the fifth within
        GESTURE_SECONDS opens the PIN pad."""
        now = self.host.clock()
        if tap and self._gesture and now - self._gesture[-1] < SAME_TAP_SECONDS:
            return  # one tap that arrived twice: foot reports a touch as two presses
        self._gesture = [t for t in self._gesture if now - t < GESTURE_SECONDS] + [now]
        if len(self._gesture) < GESTURE_COUNT or self._screen is not None:
            return
        self._gesture = []
        if self.host.settings.admin_pin_hash is None:
            log.warning("staff gesture, but no admin PIN is set (alt-kiosk set-pin)")
            return
        invalid = hash_problem(self.host.settings.admin_pin_hash)
        if invalid:  # no PIN could open it: trying would only lock staff out
            log.warning(
                "staff gesture, but the admin PIN in the configuration is invalid (%s): alt-kiosk set-pin", invalid
            )
            return
        locked = self.pin_guard.locked_for()
        message = f"Locked after wrong PINs. Try again in {locked / 60:.0f} min." if locked else "Staff PIN"
        self._screen = PinScreen(message)
        self.host.push_screen(self._screen, self._pin_entered)
        log.info("staff PIN pad opened")

    def _pin_entered(self, pin: str | None) -> None:
        self._screen = None
        if pin is None:
            return
        if not self.pin_guard.attempt(pin):
            log.warning("admin PIN refused (locked for %.0f s)", self.pin_guard.locked_for())
            return
        log.info("admin screen opened")
        self._screen = AdminScreen(self.host.status_line())
        self.host.push_screen(self._screen, self._admin_closed)
        from kiosk.hearing.level import MicLevel

        self._mic_level = MicLevel(self.host.settings.input_device)
        self._mic_level.start()
        self.host.set_timer(0.01, self._refresh)

    def _refresh(self) -> None:
        if isinstance(self._screen, AdminScreen) and self._mic_level is not None:
            from kiosk.hearing.level import meter

            host = self.host
            status = f"{host.status_line()}\ndefault volume {host.settings.volume_step + 1} of {VOLUME_LEVELS}"
            if host.updates.problems:
                status += "\n" + "\n".join(str(p) for p in host.updates.problems[:3])
            self._screen.update_status(status, f"microphone {meter(self._mic_level.level)}")
            host.set_timer(0.2, self._refresh)

    def _admin_closed(self, _: str | None) -> None:
        self._screen = None
        self.close_meter()
        log.info("admin screen closed")

    def close_meter(self) -> None:
        if self._mic_level is not None:
            self._mic_level.close()
            self._mic_level = None

    def act(self, action: str) -> None:
        """A button of the admin screen."""
        host = self.host
        log.info("admin action: %s", action)
        if action == "speaker-test":
            host.speaker.configure(host.settings.volume_step, host.settings.rate)
            host.speaker.speak("This is the kiosk speaker test. One, two, three.", host.language)
        elif action in ("volume-down", "volume-up"):
            step = clamp_volume_step(host.settings.volume_step + (1 if action == "volume-up" else -1))
            host.post_message(self.DefaultVolume(step))
        elif action == "reload":
            host.post_message(self.Reload())
        elif action == "leave":
            host.post_message(self.Leave())
