"""Speech recognisers behind one narrow interface: a grammar of the phrases valid now, audio in, words out.

The engines live beside this module and load on demand (`make_recognizer`):
* `kiosk.voice.sphinx.PocketSphinxRecognizer`: the zero-download default for English (the wheel ships a
  US-English model), every grammar result verified against the audio's own phones;
* `kiosk.voice.vosk_engine.VoskRecognizer`: production, with a model an admin installs.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from kiosk.core.intents import words


@dataclass(frozen=True)
class Recognized:
    text: str
    confidence: float
    rivals: tuple[str, ...] = ()  # other phrases the audio fits clearly better (see understand: other intents)
    weak: bool = False  # too short to be sure of by its sounds alone, whatever the confidence: at most ask


class Recognizer(Protocol):
    engine: str
    margins_ms: tuple[int, int]
    """How much of the room the engine should hear before and after the words (kiosk.voice.endpoint)."""

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


def vosk_model_for(language: str, models_dir: Path) -> Path | None:
    """An installed Vosk model for `language`: in models_dir (see models/manifest.yaml), or a PyPI model package."""
    from kiosk.voice.models import installed_models

    for model in installed_models(models_dir):
        if model.language == language and model.kind == "vosk":
            return model.path
    spec = importlib.util.find_spec(f"vosk_model_{language}")
    if spec is not None and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "model"
        if candidate.is_dir():
            return candidate
    return None


def make_recognizer(language: str, choice: str, models_dir: Path) -> Recognizer | None:
    """The recogniser configuration asks for (auto, vosk, pocketsphinx, off); None means voice input off.

    Raises:
        RecognizerUnavailable: the engine asked for by name cannot run here.
    """
    if choice == "off" or os.environ.get("ALT_KIOSK_VOICE_INPUT") == "off":
        return None
    if choice in ("auto", "vosk"):
        path = vosk_model_for(language, models_dir)
        if path is not None:
            from kiosk.voice.vosk_engine import VoskRecognizer

            return VoskRecognizer(path)
        if choice == "vosk":
            raise RecognizerUnavailable(f"no Vosk model for {language!r} is installed (alt-kiosk model list)")
    if choice == "pocketsphinx" or (choice == "auto" and language == "en"):
        if language != "en":
            raise RecognizerUnavailable("PocketSphinx ships an English model only")
        from kiosk.voice.sphinx import PocketSphinxRecognizer

        return PocketSphinxRecognizer()
    return None


def describe_engine(language: str, choice: str, models_dir: Path) -> tuple[str, bool]:
    """What `make_recognizer` would pick, in words for staff, without loading anything; and whether it is usable."""
    if choice == "off":
        return "off (configuration)", True
    if choice in ("auto", "vosk"):
        path = vosk_model_for(language, models_dir)
        if path is not None:
            return f"vosk, model {path}", True
        if choice == "vosk":
            return "vosk asked for, but NO model is installed (alt-kiosk model list)", False
    if choice == "pocketsphinx" or (choice == "auto" and language == "en"):
        if language != "en":
            return "pocketsphinx asked for, but it has an English model only", False
        ok = importlib.util.find_spec("pocketsphinx") is not None
        return ("pocketsphinx (US English model from its wheel)" if ok else "pocketsphinx is NOT installed"), ok
    return "off: no model for this language (patients tap)", True
