"""From audio to a decision, the same way for the live kiosk, `alt-kiosk recognize` and the benchmark:
end-pointing (LIVE settings), recogniser, the content's phrases, then one of three outcomes.

* **act**: the recogniser is sure (confidence at or over the pack's `min_confidence`), no phrase of
  another answer fits the audio clearly better, and the words are not too short to judge by their sounds;
* **confirm**: probably right (at or over `confirm_confidence`, or sure but with such a rival): the kiosk
  shows its guess and asks the patient to tap it or say it again; two consistent hearings act (`kiosk.hearing.base.settle`);
* **reject**: anything else, and anything that is not one of the valid answers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from kiosk.core.intents import IntentMatcher
from kiosk.core.model import Content
from kiosk.hearing.base import Heard
from kiosk.hearing.endpoint import LIVE, Endpointer, EndpointSettings
from kiosk.hearing.recognizer import Recognizer, answers_of
from kiosk.speech.audio import to_engine_rate


@dataclass(frozen=True)
class Bar:
    """How sure the kiosk must be to act on an answer, and to ask about it (from the language pack)."""

    act: float = 0.6
    confirm: float = 1.0  # over `act`: no middle band, never ask (a rival is then refused)

    @classmethod
    def of(cls, pack: Content) -> Bar:
        """The bar a language pack sets (`min_confidence`, `confirm_confidence`)."""
        return cls(pack.min_confidence, pack.confirm_confidence)


@dataclass(frozen=True)
class Weighed:
    """One utterance, recognised and matched, before any bar is applied (the benchmark calibrates on these)."""

    text: str
    intent: str | None  # the valid answer the words match, if any
    confidence: float
    rivals: frozenset[str] = frozenset()  # other answers (or decoy phrases) that fit the audio clearly better
    weak: bool = False  # too short to judge by its sounds alone (Recognized.weak)

    def decide(self, bar: Bar) -> Heard:
        # A rival or a weak hearing is never acted on at once, at most asked about.
        sure = self.intent is not None and self.confidence >= bar.act and not (self.rivals or self.weak)
        intent = self.intent if sure or self.confidence >= bar.confirm else None
        return Heard(self.text, intent, round(self.confidence, 3), sure, self.rivals)


NOTHING = Weighed("", None, 0.0)
"""No utterance at all (a recording without speech): rejected whatever the bar."""


def weigh(
    recognizer: Recognizer,
    audio: np.ndarray,
    intents: dict[str, tuple[str, ...]],
    filler: tuple[str, ...],
    decoys: tuple[str, ...] = (),
) -> Weighed:
    """Recognise one utterance against the valid answers' phrases and say how sure it is.

    `decoys` (see kiosk.core.intents.decoys) join the grammar so that other answers are recognised as
    themselves, and rejected, rather than as the nearest valid phrase.
    """
    phrases = [p for ps in intents.values() for p in ps] + list(decoys)
    result = recognizer.decode(audio, phrases, answers_of(intents))
    matcher = IntentMatcher(intents, filler)
    match = matcher.match(result.text, intents.keys())
    rivals: set[str] = set()
    for phrase in result.rivals:
        answer = matcher.match(phrase, intents.keys()).intent
        if answer != match.intent:
            rivals.add(answer or phrase)  # a decoy is a rival of its own
    return Weighed(result.text, match.intent, result.confidence * match.confidence, frozenset(rivals), result.weak)


def understand(
    recognizer: Recognizer,
    audio: np.ndarray,
    intents: dict[str, tuple[str, ...]],
    filler: tuple[str, ...],
    bar: Bar,
    decoys: tuple[str, ...] = (),
) -> Heard:
    """What was heard, the intent if it is one of `intents`, and whether to act, confirm or reject."""
    return weigh(recognizer, audio, intents, filler, decoys).decide(bar)


def settings_for(recognizer: Recognizer, base: EndpointSettings = LIVE) -> EndpointSettings:
    """The kiosk's end-pointing, with as much of the room around the words as this engine should hear."""
    lead, tail = recognizer.margins_ms
    return replace(base, lead_ms=lead, tail_ms=tail)


def utterances(samples: np.ndarray, rate: int, settings: EndpointSettings = LIVE) -> list[np.ndarray]:
    """The utterances of a recording, cut by the kiosk's own end-pointing, as if heard live.

    The recording's first `learn_ms` (half a second) stands for the room the kiosk hears before a patient
    answers, and is never taken as speech.
    """
    endpointer = Endpointer(settings)
    return endpointer.feed(to_engine_rate(samples, rate)) + endpointer.flush()


def first_utterance(samples: np.ndarray, rate: int, settings: EndpointSettings = LIVE) -> np.ndarray | None:
    """The first utterance of a recording (see `utterances`): the one the kiosk would answer."""
    found = utterances(samples, rate, settings)
    return found[0] if found else None


def hear_recording(
    recognizer: Recognizer,
    samples: np.ndarray,
    rate: int,
    intents: dict[str, tuple[str, ...]],
    filler: tuple[str, ...],
    bar: Bar,
    decoys: tuple[str, ...] = (),
) -> Heard:
    """What the kiosk would do on hearing this recording: its first utterance, understood (no speech: reject)."""
    utterance = first_utterance(samples, rate, settings_for(recognizer))
    if utterance is None:
        return NOTHING.decide(bar)
    return understand(recognizer, utterance, intents, filler, bar, decoys)
