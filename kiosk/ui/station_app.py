"""The kiosk as a service a clinic runs, under the patient's side (kiosk.ui.app.KioskApp): the terminal
driver, crashes made visible, signals (SIGTERM stops, SIGHUP reloads), reading configuration and content
again, the status line staff and systemd see, the languages this terminal can draw, and stopping in
bounded time."""

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

from rich.console import RenderableType
from textual import events
from textual.app import App
from textual.driver import Driver

from kiosk.core.model import Content
from kiosk.hearing import Listener, SilentListener
from kiosk.speaking import SilentSpeaker, Speaker
from kiosk.station.content_store import ContentStore
from kiosk.station.notify import Notifier, watchdog_interval
from kiosk.station.settings import Settings
from kiosk.ui.content_updates import ContentUpdates
from kiosk.ui.languages import console_terminal, offer
from kiosk.ui.metrics_feed import CHECK_SECONDS as METRICS_CHECK_SECONDS
from kiosk.ui.metrics_feed import MetricsFeed
from kiosk.ui.theme import KIOSK_THEME

log = logging.getLogger("kiosk")

HARD_EXIT_SECONDS = 0.9
"""SIGTERM to exit never takes longer (the promise to staff and systemd is 1 s)."""
LEAVE_EXIT_CODE = 75
"""Exit code when staff leave kiosk mode; the service's RestartPreventExitStatus keeps it stopped."""


class StationApp(App[None], inherit_bindings=False):
    """What every kiosk app is as a service, whatever it shows."""

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
        self.metrics = MetricsFeed(self)
        self.set_up()

    def set_up(self) -> None:
        """What the app on top builds once the service side is ready (KioskApp: the patient's side)."""

    def start_station(self) -> None:
        """At mount: signals, the content poll and systemd's watchdog."""
        # Outside the main thread (tests) there is no signal to hook.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, self.stop)
            loop.add_signal_handler(signal.SIGHUP, self._on_sighup)
        self.updates.start()
        self.metrics.update()
        self.set_interval(METRICS_CHECK_SECONDS, self.metrics.update)
        interval = watchdog_interval()
        if interval is not None:
            # Pinged from the UI's own event loop: a frozen UI stops the pings and systemd restarts it.
            self.set_interval(interval, self.notifier.watchdog)

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
        barge_in = getattr(self.listener, "barge_in", None)  # a MicListener's (kiosk.hearing.barge_in)
        if barge_in is not None and self.listener.available:
            voice += f", barge-in {barge_in.describe()}"
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
        self.notifier.reloading()
        try:
            settings = self.updates.read_settings(self.packs)
            if settings is not None:
                self.settings = settings
            self.updates.check_now()
        finally:  # systemd waits for READY=1 after RELOADING=1, whatever happened
            self.notifier.send(READY="1", STATUS=self.status_line())

    def stop(self, code: int = 0) -> None:
        """SIGTERM, or staff leaving kiosk mode: stop speech and the microphone, then exit."""
        log.info("stopping (%s)", "staff left kiosk mode" if code == LEAVE_EXIT_CODE else "SIGTERM")
        self.notifier.stopping()
        self.speaker.stop()
        self.listener.close(timeout=0)  # the microphone closes after the UI (kiosk.ui.launch), in bounded time
        if self.updates.store is not None:
            self.updates.store.trial.end()  # a clean stop: new content did not end the kiosk
        self.before_stop()
        # If the terminal is gone, Textual can hang restoring it: never take longer than systemd allows.
        if not self.is_headless:
            guard = threading.Timer(HARD_EXIT_SECONDS, os._exit, args=(code,))
            guard.daemon = True  # a normal exit ends it
            guard.start()
        self.exit(return_code=code)

    def before_stop(self) -> None:
        """What the app on top closes at once when stopping (staff's microphone meter)."""
