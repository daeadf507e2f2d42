"""The patient's sound panel (5 Sound): louder, softer, slower/normal speed; each change is heard at once.

The choice lives in the app (`volume_step`, `rate`) for this session only; the app resets both when the
session is wiped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.speaking.base import VOLUME_LEVELS, clamp_volume_step
from kiosk.ui.screens import SoundScreen

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp


class SoundPanel:
    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self._screen: SoundScreen | None = None

    def open(self) -> None:
        content = self.app.packs[self.app.language]
        labels = {k: content.buttons[k].show for k in ("louder", "softer", "done")}
        labels["rate"] = content.buttons["slower"].show
        self._screen = SoundScreen(content.screens["sound"].title.show, labels)
        self.app.push_screen(self._screen, lambda _: setattr(self, "_screen", None))
        self.app.call_after_refresh(self._refresh)

    def _body(self) -> tuple[str, str]:
        """What the panel says now: shown and spoken forms."""
        text = self.app.packs[self.app.language].screens["sound"].body
        said = text.format(level=self.app.volume_step + 1, levels=VOLUME_LEVELS)
        return said.show, said.say

    def _refresh(self) -> None:
        if self._screen is None:
            return
        content = self.app.packs[self.app.language]
        rate_label = content.buttons["normal_speed" if self.app.rate == "slow" else "slower"].show
        self._screen.show(self._body()[0], rate_label)

    def act(self, action: str) -> None:
        """A button of the panel: louder, softer, rate or done."""
        app = self.app
        if action == "done":
            if self._screen is not None:
                self._screen.dismiss(None)
            return
        if action in ("louder", "softer"):
            app.volume_step = clamp_volume_step(app.volume_step + (1 if action == "louder" else -1))
        elif action == "rate":
            app.rate = "normal" if app.rate == "slow" else "slow"
        app.speaker.configure(app.volume_step, app.rate)
        self._refresh()
        app.speaker.speak(self._body()[1], app.language)
