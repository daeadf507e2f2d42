"""From one utterance to an intent: recogniser, then the content's phrases, then the confidence threshold."""

from __future__ import annotations

import numpy as np

from kiosk.core.intents import IntentMatcher
from kiosk.voice.audio import to_engine_rate
from kiosk.voice.base import Heard
from kiosk.voice.endpoint import Endpointer, EndpointSettings
from kiosk.voice.recognizer import Recognizer


def understand(
    recognizer: Recognizer,
    audio: np.ndarray,
    intents: dict[str, tuple[str, ...]],
    filler: tuple[str, ...],
    min_confidence: float,
    decoys: tuple[str, ...] = (),
) -> Heard:
    """What was heard, and the intent if it is one of `intents` and sure enough (else intent None).

    `decoys` (see kiosk.core.intents.decoys) join the grammar so that other answers are recognised as
    themselves, and rejected, rather than as the nearest valid phrase.
    """
    phrases = [p for ps in intents.values() for p in ps] + list(decoys)
    result = recognizer.decode(audio, phrases)
    matcher = IntentMatcher(intents, filler)
    match = matcher.match(result.text, intents.keys())
    confidence = result.confidence * match.confidence
    if any(matcher.match(rival, intents.keys()).intent != match.intent for rival in result.rivals):
        confidence = 0.0  # the audio fits another answer (or a decoy) better: rather ask again than guess
    intent = match.intent if confidence >= min_confidence else None
    return Heard(result.text, intent, round(confidence, 3))


def utterances(samples: np.ndarray, rate: int, settings: EndpointSettings | None = None) -> list[np.ndarray]:
    """The utterances of a recording, cut by the kiosk's own end-pointing, as if heard live."""
    endpointer = Endpointer(settings)
    return endpointer.feed(to_engine_rate(samples, rate)) + endpointer.flush()


def first_utterance(samples: np.ndarray, rate: int, settings: EndpointSettings | None = None) -> np.ndarray | None:
    """The first utterance of a recording (see `utterances`)."""
    found = utterances(samples, rate, settings)
    return found[0] if found else None
