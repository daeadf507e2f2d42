"""Are you still there? After a quiet spell on any screen but the welcome, a spoken warning counts down;
a tap, a key or "I'm still here" keeps the session, else `IdleWatch.TimedOut` tells the app to wipe it
(the next patient starts afresh)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from textual.message import Message
from textual.screen import Screen

from kiosk.core.intents import IntentMatcher
from kiosk.station.settings import Settings
from kiosk.ui.host import Host
from kiosk.ui.screens import IdleScreen


class IdleHost(Host, Protocol):
    """What the idle watch reads of the app (it writes none of it)."""

    @property
    def settings(self) -> Settings: ...

    def clock(self) -> float: ...
    def push_screen(self, screen: Screen[Any], callback: Callable[[Any], None]) -> Any: ...


class IdleWatch:
    class TimedOut(Message):
        """Nobody answered the warning: the app wipes the session."""

    def __init__(self, host: IdleHost) -> None:
        self.host = host
        self.screen: IdleScreen | None = None
        self._last_activity = host.clock()

    @property
    def warning(self) -> bool:
        """The "are you still there?" warning is on screen."""
        return self.screen is not None

    def touched(self) -> None:
        self._last_activity = self.host.clock()

    def still_here(self) -> bool:
        """A touch or key while the warning shows: close it (True), and the touch does nothing else."""
        if self.screen is None:
            return False
        self.screen.dismiss(True)
        return True

    def heard(self, text: str) -> None:
        """Words heard while the warning shows: the content's "still here" phrases close it."""
        phrases = IntentMatcher({"still": self.host.content.still_here})
        if self.screen is not None and phrases.match(text).intent:
            self.screen.dismiss(True)

    def tick(self, session_open: bool) -> None:
        """A quarter-second tick; `session_open`: a patient's session could be wiped now (not the welcome,
        no staff at work)."""
        host = self.host
        if not session_open:
            self.touched()  # nothing to wipe
            return
        quiet = host.clock() - self._last_activity
        warn_after = host.settings.idle_seconds
        seconds = round(host.settings.idle_warning_seconds)
        if self.screen is None and quiet >= warn_after:
            texts = host.content.texts
            self.screen = IdleScreen(texts["idle_title"].show, texts["idle_body"].show, seconds)
            host.push_screen(self.screen, self._closed)
            said = f"{texts['idle_title'].say} {texts['idle_body'].say.format(seconds=seconds)}"
            host.speaker.speak(said, host.language)
        elif self.screen is not None:
            left = warn_after + host.settings.idle_warning_seconds - quiet
            if left <= 0:
                self.screen.dismiss(False)
            else:
                self.screen.count(max(1, round(left)))

    def _closed(self, still_here: bool | None) -> None:
        self.screen = None
        if still_here:
            self.touched()
        else:
            self.host.post_message(self.TimedOut())
