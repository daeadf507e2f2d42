"""Fakes of the kiosk's own interfaces, for testing its logic alone (the real ones are tested too):
a speaker that records, a listener that is told what it heard, a recogniser with a set result."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from kiosk.hearing import Heard


class RecordingSpeaker:
    """A fake speaker that records what it was asked to say and lets the test say when sound plays."""

    available = True

    def speaks(self, language: str) -> bool:
        return self.available

    def voice_of(self, language: str) -> str | None:
        return "test:recording" if self.speaks(language) else None

    def __init__(self) -> None:
        self.said: list[str] = []
        self.stops = 0
        self.settings = (-1, "")
        self.on_speaking: Callable[[bool], None] = lambda _: None

    def speak(self, text: str, language: str) -> None:
        self.said.append(text)

    def stop(self) -> None:
        self.stops += 1

    def configure(self, volume_step: int, rate: str) -> None:
        self.settings = (volume_step, rate)

    def set_listener(self, on_speaking: Callable[[bool], None]) -> None:
        self.on_speaking = on_speaking

    def prepare(self, texts: Iterable[tuple[str, str]]) -> None:
        self.prepared = list(texts)


class ScriptedListener:
    available = True

    def __init__(self) -> None:
        self.grammars: list[dict[str, tuple[str, ...]]] = []
        self.decoys: list[tuple[str, ...]] = []
        self.on_heard: Callable[[Heard], None] = lambda _: None

    def listen(self, intents: dict[str, tuple[str, ...]], language: str, decoys: tuple[str, ...] = ()) -> None:
        self.grammars.append(intents)
        self.decoys.append(decoys)

    def set_speaking(self, speaking: bool) -> None:
        self.speaking = speaking

    def close(self, timeout: float = 2.0) -> None:
        pass

    def set_listener(self, on_heard: Callable[[Heard], None]) -> None:
        self.on_heard = on_heard


class ScriptedRecognizer:
    """Returns a set result: for the rules of `understand` alone (the real engines are tested above)."""

    engine = "scripted"
    margins_ms = (100, 240)

    def __init__(self, text: str, rivals: tuple[str, ...] = (), confidence: float = 0.9, weak: bool = False) -> None:
        from kiosk.hearing.recognizer import Recognized

        self.result = Recognized(text, confidence, rivals, weak)
        self.grammar: list[str] = []

    def missing_words(self, phrases: list[str]) -> list[str]:
        return []

    def decode(self, audio: np.ndarray, phrases: list[str], answer_of: object = None) -> object:
        self.grammar = phrases
        return self.result
