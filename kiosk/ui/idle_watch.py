"""Are you still there? After a quiet spell on any screen but the welcome, a spoken warning counts down;
a tap, a key or "I'm still here" keeps the session, else it is wiped (the next patient starts afresh)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.core.flow import Kind
from kiosk.core.intents import IntentMatcher
from kiosk.ui.screens import IdleScreen

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp


class IdleWatch:
    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self.screen: IdleScreen | None = None
        self._last_activity = app.clock()

    @property
    def warning(self) -> bool:
        """The "are you still there?" warning is on screen."""
        return self.screen is not None

    def touched(self) -> None:
        self._last_activity = self.app.clock()

    def still_here(self) -> bool:
        """A touch or key while the warning shows: close it (True), and the touch does nothing else."""
        if self.screen is None:
            return False
        self.screen.dismiss(True)
        return True

    def heard(self, text: str) -> None:
        """Words heard while the warning shows: the content's "still here" phrases close it."""
        phrases = IntentMatcher({"still": self.app.packs[self.app.language].still_here})
        if self.screen is not None and phrases.match(text).intent:
            self.screen.dismiss(True)

    def tick(self) -> None:
        app = self.app
        if app.staff.busy or app.prompt.kind is Kind.WELCOME:
            self.touched()  # staff at work, or nobody's session yet: nothing to wipe
            return
        quiet = app.clock() - self._last_activity
        warn_after = app.settings.idle_seconds
        seconds = round(app.settings.idle_warning_seconds)
        if self.screen is None and quiet >= warn_after:
            texts = app.packs[app.language].texts
            self.screen = IdleScreen(texts["idle_title"].show, texts["idle_body"].show, seconds)
            app.push_screen(self.screen, self._closed)
            app.speaker.speak(
                f"{texts['idle_title'].say} {texts['idle_body'].say.format(seconds=seconds)}", app.language
            )
        elif self.screen is not None:
            left = warn_after + app.settings.idle_warning_seconds - quiet
            if left <= 0:
                self.screen.dismiss(False)
            else:
                self.screen.count(max(1, round(left)))

    def _closed(self, still_here: bool | None) -> None:
        self.screen = None
        if still_here:
            self.touched()
        else:
            self.app.timed_out()
