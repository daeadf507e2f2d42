"""The speech recognisers, and the one place that chooses between them for a language.

* `sphinx.PocketSphinxRecognizer`: the zero-download default for English (the wheel ships a US-English
  model), every grammar result verified against the audio's own phones;
* `vosk_engine.VoskRecognizer`: production, with a model an admin installs.

Engines load on demand: choosing one (and saying what was chosen, for `alt-kiosk status`) imports
nothing heavy.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.hearing.recognizer import Recognizer, RecognizerUnavailable


@dataclass(frozen=True)
class Choice:
    """The engine configuration picks for a language: what staff are told, and how to load it."""

    description: str
    usable: bool
    load: Callable[[], Recognizer] | None = None
    """None: voice input is off for this language (patients tap)."""


def choose(language: str, choice: str, models_dir: Path) -> Choice:
    """The recogniser configuration asks for (auto, vosk, pocketsphinx, off), decided without loading it."""
    if choice == "off" or os.environ.get("ALT_KIOSK_VOICE_INPUT") == "off":
        return Choice("off (configuration)", True)
    if choice in ("auto", "vosk"):
        path = vosk_model_for(language, models_dir)
        if path is not None:
            return Choice(f"vosk, model {path}", True, lambda: _vosk(path))
        if choice == "vosk":
            return Choice(f"vosk asked for, but NO model for {language!r} is installed (alt-kiosk model list)", False)
    if choice == "pocketsphinx" or (choice == "auto" and language == "en"):
        if language != "en":
            return Choice("pocketsphinx asked for, but it has an English model only", False)
        if importlib.util.find_spec("pocketsphinx") is None:
            return Choice("pocketsphinx is NOT installed", False)
        return Choice("pocketsphinx (US English model from its wheel)", True, _sphinx)
    return Choice("off: no model for this language (patients tap)", True)


def make_recognizer(language: str, choice: str, models_dir: Path) -> Recognizer | None:
    """The recogniser `choose` picks, loaded; None means voice input off.

    Raises:
        RecognizerUnavailable: the engine asked for by name cannot run here.
    """
    chosen = choose(language, choice, models_dir)
    if not chosen.usable:
        raise RecognizerUnavailable(chosen.description)
    return chosen.load() if chosen.load else None


def vosk_model_for(language: str, models_dir: Path) -> Path | None:
    """An installed Vosk model for `language`: in models_dir (see models/manifest.yaml), or a PyPI model package."""
    from kiosk.speech.models import installed_models

    for model in installed_models(models_dir):
        if model.language == language and model.kind == "vosk":
            return model.path
    spec = importlib.util.find_spec(f"vosk_model_{language}")
    if spec is not None and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "model"
        if candidate.is_dir():
            return candidate
    return None


def _vosk(path: Path) -> Recognizer:
    from kiosk.hearing.engines.vosk_engine import VoskRecognizer

    return VoskRecognizer(path)


def _sphinx() -> Recognizer:
    from kiosk.hearing.engines.sphinx import PocketSphinxRecognizer

    return PocketSphinxRecognizer()
