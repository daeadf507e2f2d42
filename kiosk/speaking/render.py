"""Which engine renders a sentence: each language's voice, and espeak-ng when a Piper voice keeps failing."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from kiosk.core.say_as import spoken_form
from kiosk.speaking.base import RATES
from kiosk.speaking.cache import cache_key
from kiosk.speaking.synth import SynthesisError, Synthesizer, package_version
from kiosk.speaking.voices import Voice
from kiosk.speech.audio import write_wav

log = logging.getLogger("kiosk.voice.out")

PIPER_TIMEOUT = 5.0
"""A Piper render that takes longer is hung (a long sentence takes ~0.3 s on 2 x86 cores, ~2 s on a Pi 4)."""
FAILURES_BEFORE_REST = 2
"""Tries of one sentence (each failure restarts the worker) before a voice rests and its fallback speaks."""
REST_SECONDS = 60.0
"""How long a failing voice rests before the kiosk tries it again (patients hear the fallback meanwhile)."""


class PiperSynthesizer(Synthesizer):
    """A worker process holding one Piper voice (kiosk.speaking.piper_worker)."""

    def __init__(self, voice: Voice, timeout: float = PIPER_TIMEOUT) -> None:
        assert voice.model is not None
        super().__init__([sys.executable, "-m", "kiosk.speaking.piper_worker", str(voice.model)], timeout)
        self.voice = voice

    def request(self, text: str, voice: str, rate: int, path: Path) -> dict[str, object]:
        # Slow is the voice's own pace stretched by normal/slow words a minute (165/125: 32 % longer).
        return {"text": text, "path": str(path), "length_scale": RATES["normal"] / rate}

    @property
    def version(self) -> str:
        """piper-tts's version and the voice's: part of every cache key (looked up once: it costs ~5 ms)."""
        if not self._version:
            self._version = f"piper-tts {package_version('piper-tts')}; {self.voice.name} {self.voice.version}"
        return self._version


SILENCE_RATE = 22050


class Renderer:
    """Renders with each language's voice; a voice that fails FAILURES_BEFORE_REST times in a row rests."""

    def __init__(self, voices: Mapping[str, Voice | str], espeak: Synthesizer | None = None) -> None:
        self.voices = {code: v if isinstance(v, Voice) else Voice.espeak(v, code) for code, v in voices.items()}
        self._espeak = espeak or Synthesizer()
        self._piper: dict[str, PiperSynthesizer] = {}
        self._lock = threading.Lock()
        self._resting_until: dict[str, float] = {}
        self._closing = False

    def synth(self, voice: Voice) -> Synthesizer:
        if voice.engine != "piper":
            return self._espeak
        with self._lock:
            synth = self._piper.get(voice.spec)
            if synth is None or (synth.voice.model, synth.voice.version) != (voice.model, voice.version):
                if synth is not None:
                    synth.close()  # that voice was replaced (reinstalled, upgraded)
                synth = self._piper[voice.spec] = PiperSynthesizer(voice)
            return synth

    def key(self, text: str, voice: Voice, rate: str) -> str:
        """The cache key: the words as spoken, engine, voice, its version and the rate."""
        return cache_key(spoken_form(text, voice.language), voice.spec, RATES[rate], self.synth(voice).version)

    def chain(self, language: str) -> Iterator[Voice]:
        """The voices to try for `language`, best first; a resting voice is skipped."""
        voice: Voice | None = self.voices.get(language)
        while voice is not None:
            if time.monotonic() >= self._resting_until.get(voice.spec, 0.0) or voice.fallback is None:
                yield voice
            voice = voice.fallback

    def active(self, language: str) -> Voice | None:
        """The voice `language` speaks with now (its fallback while it rests)."""
        return next(self.chain(language), None)

    def render(self, text: str, voice: Voice, rate: str, path: Path) -> None:
        """Render one sentence with `voice` to `path`; a voice with a fallback gets FAILURES_BEFORE_REST tries
        (each failure restarts its worker), then rests.

        Raises:
            SynthesisError: it failed.
        """
        said = spoken_form(text, voice.language)
        if not any(ch.isalnum() for ch in said):  # "..." or "?!": nothing to say is silence, not a failing voice
            write_wav(path, np.zeros(0, dtype=np.int16), SILENCE_RATE)
            return
        for attempt in range(1, FAILURES_BEFORE_REST + 1):
            try:
                self.synth(voice).render(said, voice.name, RATES[rate], path)
                return
            except SynthesisError as err:
                if self._closing or voice.fallback is None:
                    raise
                log.warning("voice %s failed (%s)", voice.spec, err)
                if attempt == FAILURES_BEFORE_REST:
                    self._resting_until[voice.spec] = time.monotonic() + REST_SECONDS
                    log.error(
                        "voice %s keeps failing; speaking with %s for %.0f s",
                        voice.spec,
                        voice.fallback.spec,
                        REST_SECONDS,
                    )
                    raise

    def close(self, timeout: float = 1.0) -> None:
        self._closing = True  # a render cut short by closing is not a failing voice
        for synth in [self._espeak, *self._piper.values()]:
            synth.close(timeout)
