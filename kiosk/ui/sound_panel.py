"""The patient's sound panel (5 Sound): louder, softer, slower/normal speed; each change is heard at once.

The choice is the app's (`volume_step`, `rate`), for this session only: the panel reads it and posts
`SoundPanel.Changed`; the app keeps it, sets the speaker and says the new level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from textual.message import Message
from textual.screen import Screen

from kiosk.speaking import VOLUME_LEVELS, clamp_volume_step
from kiosk.ui.host import Host
from kiosk.ui.screens import SoundScreen


class SoundHost(Host, Protocol):
    """What the sound panel reads of the app (it writes none of it)."""

    @property
    def volume_step(self) -> int: ...
    @property
    def rate(self) -> str: ...

    def push_screen(self, screen: Screen[Any], callback: Callable[[Any], None]) -> Any: ...


class SoundPanel:
    class Changed(Message):
        """The patient chose another volume or rate; `said` tells them the new level."""

        def __init__(self, volume_step: int, rate: str, said: str) -> None:
            self.volume_step, self.rate, self.said = volume_step, rate, said
            super().__init__()

    def __init__(self, host: SoundHost) -> None:
        self.host = host
        self._screen: SoundScreen | None = None

    def open(self) -> None:
        """Push the panel already showing the app's volume and rate, so its first frame is its final one."""
        content = self.host.content
        labels = {k: content.buttons[k].show for k in ("louder", "softer", "done")}
        labels["rate"] = self._rate_label()
        title = content.screens["sound"].title.show
        self._screen = SoundScreen(title, labels, self._body(self.host.volume_step)[0])
        self.host.push_screen(self._screen, lambda _: setattr(self, "_screen", None))

    def _rate_label(self) -> str:
        """The rate button offers the other speed: "Normal speed" when slow, else "Slower"."""
        return self.host.content.buttons["normal_speed" if self.host.rate == "slow" else "slower"].show

    def _body(self, volume_step: int) -> tuple[str, str]:
        """What the panel says at this volume: shown and spoken forms."""
        said = self.host.content.screens["sound"].body.format(level=volume_step + 1, levels=VOLUME_LEVELS)
        return said.show, said.say

    def refresh(self) -> None:
        """Show the app's volume and rate (after a change, once the app has taken it)."""
        if self._screen is None:
            return
        self._screen.show(self._body(self.host.volume_step)[0], self._rate_label())

    def act(self, action: str) -> None:
        """A button of the panel: louder, softer, rate or done."""
        if action == "done":
            if self._screen is not None:
                self._screen.dismiss(None)
            return
        step, rate = self.host.volume_step, self.host.rate
        if action in ("louder", "softer"):
            step = clamp_volume_step(step + (1 if action == "louder" else -1))
        elif action == "rate":
            rate = "normal" if rate == "slow" else "slow"
        self.host.post_message(self.Changed(step, rate, self._body(step)[1]))
