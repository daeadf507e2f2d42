"""Speech recognisers behind one narrow interface: a grammar of the phrases valid now, audio in, words out.

The engines are in kiosk.hearing.engines, which also chooses one for a language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kiosk.core.intents import words

if TYPE_CHECKING:  # numpy only names the audio's type: the phone-loop child, which imports this, stays small
    import numpy as np


@dataclass(frozen=True)
class Recognized:
    text: str
    confidence: float
    rivals: tuple[str, ...] = ()  # other phrases the audio fits clearly better (see understand: other intents)
    weak: bool = False  # too short to be sure of by its sounds alone, whatever the confidence: at most ask


class Recognizer(Protocol):
    engine: str
    margins_ms: tuple[int, int]
    """How much of the room the engine should hear before and after the words (kiosk.hearing.endpoint)."""

    def missing_words(self, phrases: list[str]) -> list[str]:
        """Words of these phrases the model cannot recognise (content errors)."""

    def decode(self, audio: np.ndarray, phrases: list[str], answer_of: Mapping[str, str] | None = None) -> Recognized:
        """Recognise one utterance (16 kHz mono int16) against a grammar of exactly these phrases.

        `answer_of` says which answer each phrase (normalised, as in `grammar_phrases`) gives: an engine may
        weigh how well the sound fits the answer rather than the one phrase it picked ("yep" for "yeah").
        """


class RecognizerUnavailable(Exception):
    """The engine or its model is not installed."""


def normalised(phrase: str) -> str:
    """A phrase as grammars hold it and recognisers return it: lower case, words only."""
    return " ".join(words(phrase))


def answers_of(intents: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Which answer each phrase gives, the phrases normalised (the `answer_of` of `Recognizer.decode`)."""
    return {normalised(p): intent for intent, phrases in intents.items() for p in phrases}


def grammar_phrases(phrases: list[str], missing_words: Callable[[list[str]], list[str]]) -> list[str]:
    """The phrases a grammar can hold: normalised, once each, and only those whose words the model knows."""
    held = {normalised(p) for p in phrases if words(p)}
    unknown = set(missing_words(sorted(held)))
    return sorted(p for p in held if unknown.isdisjoint(p.split()))
