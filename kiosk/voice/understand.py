"""From one utterance to an intent: recogniser, then the content's phrases, then the confidence threshold."""

from __future__ import annotations

import numpy as np

from kiosk.core.intents import IntentMatcher
from kiosk.voice.audio import to_engine_rate
from kiosk.voice.base import Heard
from kiosk.voice.endpoint import Endpointer
from kiosk.voice.recognizer import Recognizer


def understand(
    recognizer: Recognizer,
    audio: np.ndarray,
    intents: dict[str, tuple[str, ...]],
    filler: tuple[str, ...],
    min_confidence: float,
) -> Heard:
    """What was heard, and the intent if it is one of `intents` and sure enough (else intent None)."""
    phrases = [p for ps in intents.values() for p in ps]
    result = recognizer.decode(audio, phrases)
    match = IntentMatcher(intents, filler).match(result.text, intents.keys())
    confidence = result.confidence * match.confidence
    intent = match.intent if confidence >= min_confidence else None
    return Heard(result.text, intent, round(confidence, 3))


def first_utterance(samples: np.ndarray, rate: int) -> np.ndarray | None:
    """The first utterance of a recording, cut by the kiosk's own end-pointing, as if heard live."""
    endpointer = Endpointer()
    utterances = endpointer.feed(to_engine_rate(samples, rate)) + endpointer.flush()
    return utterances[0] if utterances else None
