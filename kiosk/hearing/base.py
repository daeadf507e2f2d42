"""What the UI needs from voice input, whatever engine sits behind it: the `Listener` it talks to, and
`Heard`, what comes back (with `settle`, the rule for a second hearing).

Callbacks may come from any thread; the UI hands them to its event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol


class Decision(StrEnum):
    """What the kiosk does with one hearing."""

    ACT = "act"
    """Sure enough: act on the intent."""
    CONFIRM = "confirm"
    """Probably right: show the guess and ask the patient to tap it or say it again."""
    REJECT = "reject"
    """Not an answer (or not heard well enough): "Sorry, I didn't catch that"."""


@dataclass(frozen=True)
class Heard:
    """One utterance the listener finished: the words and the intent they matched (or None).

    `intent` is the best guess whenever there is one worth acting on or asking about; `sure` says which.
    """

    text: str
    intent: str | None
    confidence: float
    sure: bool = True
    contested: frozenset[str] = frozenset()
    """The other answers (or decoy phrases) that fit the audio clearly better: never acted on at once."""

    @property
    def decision(self) -> Decision:
        if self.intent is None:
            return Decision.REJECT
        return Decision.ACT if self.sure else Decision.CONFIRM


def settle(asked: Heard | None, heard: Heard) -> Heard:
    """A hearing after the kiosk asked about the guess of the hearing `asked` (None: it asked nothing).

    Saying the guessed answer again acts on it, even if this hearing alone would only confirm: two
    consistent hearings are evidence; unless an answer contests both (both hearings were torn between
    the same two answers: ask again; "no" heard twice as "help", each time with "no" fitting better, is
    still stopped). A different hearing starts over. Measurements: docs/calibration.md.
    """
    if (
        asked is not None
        and heard.decision is Decision.CONFIRM
        and heard.intent == asked.intent
        and not heard.contested & asked.contested
    ):
        return replace(heard, sure=True)
    return heard


class Listener(Protocol):
    """Listens for answers valid on the current screen."""

    @property
    def available(self) -> bool: ...

    def listen(self, intents: dict[str, tuple[str, ...]], language: str, decoys: tuple[str, ...] = ()) -> None:
        """Listen for these intents (name -> phrases) from now on, replacing any earlier set; `decoys` are
        other phrases to recognise so that they are rejected (kiosk.core.intents.decoys)."""

    def set_speaking(self, speaking: bool) -> None:
        """The kiosk started (True) or stopped (False) speaking: ignore the microphone meanwhile."""

    def close(self, timeout: float = 2.0) -> None:
        """Stop listening; wait at most `timeout` seconds for the microphone to close (0: do not wait)."""

    def set_listener(self, on_heard: Callable[[Heard], None]) -> None: ...


class SilentListener:
    """No microphone: the kiosk is used by screen and touch."""

    available = False

    def listen(self, intents: dict[str, tuple[str, ...]], language: str, decoys: tuple[str, ...] = ()) -> None:
        pass

    def set_speaking(self, speaking: bool) -> None:
        pass

    def close(self, timeout: float = 2.0) -> None:
        pass

    def set_listener(self, on_heard: Callable[[Heard], None]) -> None:
        pass
