"""What the UI needs from voice output, whatever engine sits behind it: the `Speaker` it talks to, and
the volume steps and rates a patient can choose.

Callbacks may come from any thread; the UI hands them to its event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

VOLUME_STEPS_DB = (-24.0, -18.0, -12.0, -6.0, 0.0)
"""Volume steps a patient can choose (a 24 dB span); step 3 (-6 dB) is the usual default."""
VOLUME_LEVELS = len(VOLUME_STEPS_DB)


def clamp_volume_step(step: int) -> int:
    """`step` kept within the volume steps there are (0 .. VOLUME_LEVELS - 1)."""
    return max(0, min(step, VOLUME_LEVELS - 1))


RATES = {"normal": 165, "slow": 125}
"""Speech rates a patient can choose, in words a minute."""


class Speaker(Protocol):
    """Speaks prompts. `speak` returns at once; `stop` silences within 50 ms."""

    @property
    def available(self) -> bool: ...

    def speaks(self, language: str) -> bool:
        """Whether prompts in `language` come out as sound (a voice may be withheld for one language)."""

    def voice_of(self, language: str) -> str | None:
        """The voice `language` speaks with now, as `engine:name` (None: it is not spoken)."""

    def speak(self, text: str, language: str) -> None: ...

    def stop(self) -> None: ...

    def configure(self, volume_step: int, rate: str) -> None:
        """Volume step (0 softest .. 4 loudest) and rate ("normal" or "slow") for what is said next."""

    def set_listener(self, on_speaking: Callable[[bool], None]) -> None:
        """Called with True when sound starts coming out and False when it ends."""

    def prepare(self, texts: Iterable[tuple[str, str]]) -> None:
        """Get (text, language) pairs ready to speak at once (rendered ahead, in the background)."""


class SilentSpeaker:
    """No sound at all: the kiosk is used by screen and touch."""

    available = False

    def speaks(self, language: str) -> bool:
        return False

    def voice_of(self, language: str) -> str | None:
        return None

    def speak(self, text: str, language: str) -> None:
        pass

    def stop(self) -> None:
        pass

    def configure(self, volume_step: int, rate: str) -> None:
        pass

    def set_listener(self, on_speaking: Callable[[bool], None]) -> None:
        pass

    def prepare(self, texts: Iterable[tuple[str, str]]) -> None:
        pass
