"""The kiosk's voice: prompts rendered ahead into a cache, played so that a tap silences them at once."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from kiosk.speaking.base import RATES, VOLUME_STEPS_DB, clamp_volume_step
from kiosk.speaking.cache import PromptCache
from kiosk.speaking.player import Clip, PlaybackError, Player
from kiosk.speaking.render import Renderer
from kiosk.speaking.synth import SynthesisError, Synthesizer
from kiosk.speaking.voices import Voice
from kiosk.speech import scratch

log = logging.getLogger("kiosk.voice.out")

RETRY_SECONDS = 3.0
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")  # Chinese sentences need no space after


def sentences(text: str) -> list[str]:
    """Split a prompt into sentences, so the first can play while the rest render."""
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]


class VoiceSpeaker:
    """Speaks prompts in a background thread. Never raises into the UI; faults make it `available = False`.

    `voices`: per language a Voice (kiosk.speaking.voices), or espeak-ng's voice name.
    """

    def __init__(
        self,
        voices: Mapping[str, Voice | str],
        cache: PromptCache,
        synth: Synthesizer | None = None,
        player: Player | None = None,
        volume_step: int = 3,
        rate: str = "normal",
    ) -> None:
        self.renderer = Renderer(voices, synth)
        self.voices = self.renderer.voices
        self.cache = cache
        self.player = player or Player()
        self.volume_step = volume_step
        self.rate = rate
        self.fault: str | None = None
        self._fault_at = 0.0
        self._on_speaking: Callable[[bool], None] = lambda _: None
        self._job: tuple[int, list[str], str] | None = None
        self._generation = 0
        self._wake = threading.Condition()
        self._closed = False
        self.cache_ready = False
        """Every prompt of the content is rendered ahead (the latest `prepare` has finished)."""
        self._prepares = 0
        self._scratch: Path | None = None
        scratch.remove_stale(scratch.parent())  # left by a kiosk that was killed
        self._thread = threading.Thread(target=self._run, name="kiosk-speaker", daemon=True)
        self._thread.start()

    # The Speaker interface ------------------------------------------------------------

    @property
    def available(self) -> bool:
        return self.fault is None

    def set_listener(self, on_speaking: Callable[[bool], None]) -> None:
        self._on_speaking = on_speaking

    def speaks(self, language: str) -> bool:
        return self.available and language in self.voices

    def voice_of(self, language: str) -> str | None:
        voice = self.renderer.active(language)
        return voice.spec if voice is not None else None

    def speak(self, text: str, language: str) -> None:
        if language not in self.voices:
            self.stop()  # a language without a voice here (kiosk.speaking.synth.voice_problem): the screen only
            return
        with self._wake:
            self._generation += 1
            self._job = (self._generation, sentences(text), language)
            self.player.stop()
            self._wake.notify()

    def configure(self, volume_step: int, rate: str) -> None:
        self.volume_step = clamp_volume_step(volume_step)
        self.rate = rate if rate in RATES else "normal"

    def stop(self) -> None:
        with self._wake:
            self._generation += 1
            self._job = None
        self.player.stop()

    def close(self, timeout: float = 2.0) -> None:
        """Stop speaking and end the worker process; waits at most about `timeout` seconds."""
        self.stop()
        with self._wake:
            self._closed = True
            self._wake.notify()
        self.renderer.close(timeout)  # first: a render in progress ends now instead of holding us up
        self._thread.join(timeout=timeout)
        self.cache.remove_leftovers()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    # Rendering ----------------------------------------------------------------------------

    def prerender(self, texts: Iterable[tuple[str, str]], rates: Iterable[str] = tuple(RATES)) -> int:
        """Render (text, language) pairs into the cache at every rate, with each language's voice and then
        its fallback (so a failing Piper voice is replaced at once); returns how many were new.

        The only writer of the cache: what a patient hears later leaves no trace there.
        """
        made = 0
        failing: set[tuple[str, str]] = set()  # (voice, rate) that failed: its fallback's turn comes later
        for rate, voice, sentence in self._ahead(list(texts), list(rates)):
            if self._closed:
                return made
            key = self.renderer.key(sentence, voice, rate)
            if (voice.spec, rate) in failing or self.cache.has(key):
                continue
            try:
                staged = self.cache.staging()
            except OSError as err:
                self._note_cache_problem(err)
                return made
            try:
                self.renderer.render(sentence, voice, rate, staged)
                self.cache.commit(staged, key)
                made += 1
            except (SynthesisError, OSError) as err:
                staged.unlink(missing_ok=True)
                if voice.fallback is None:
                    self._set_fault(str(err))
                    return made
                failing.add((voice.spec, rate))
        return made

    def _ahead(self, pairs: list[tuple[str, str]], rates: list[str]) -> Iterator[tuple[str, Voice, str]]:
        """(rate, voice, sentence) to render ahead: every language's voice at each rate, then the fallbacks."""
        fallbacks = {code: voice.fallback for code, voice in self.voices.items() if voice.fallback is not None}
        for voices in (self.voices, fallbacks):
            for rate in rates:
                for text, language in pairs:
                    if language in voices:
                        yield from ((rate, voices[language], sentence) for sentence in sentences(text))

    def prepare(self, texts: Iterable[tuple[str, str]]) -> None:
        """Render `texts` ahead in the background (start-up, new content), so playing them is instant."""
        pairs = list(texts)
        self._prepares += 1
        latest, self.cache_ready = self._prepares, False

        def work() -> None:
            made = self.prerender(pairs)
            if latest == self._prepares:  # an older batch finishing says nothing about the newest
                self.cache_ready = True
            log.info("speech cache ready: %d prompts, %d newly rendered", len(pairs), made)

        threading.Thread(target=work, name="kiosk-prerender", daemon=True).start()

    def clip(self, text: str, language: str, rate: str | None = None) -> Clip:
        """The rendered sound of one sentence: from the cache, else rendered in memory and not kept.

        With the language's voice; if that fails, with its fallback (cached or rendered).

        Raises:
            SynthesisError: no voice could render it.
        """
        rate = rate or self.rate
        problem: SynthesisError | None = None
        for voice in self.renderer.chain(language):
            data = self.cache.read(self.renderer.key(text, voice, rate))
            if data is not None:
                return Clip.from_wav(data)
            wav = Path(tempfile.mkstemp(dir=self._scratch_dir(), suffix=".wav")[1])
            try:
                self.renderer.render(text, voice, rate, wav)
                return Clip.from_wav(wav.read_bytes())
            except SynthesisError as err:
                problem = err
            finally:
                wav.unlink(missing_ok=True)
        raise problem or SynthesisError(f"no voice for {language!r}")

    def _scratch_dir(self) -> Path:
        """Where a clip that is not in the cache is rendered: a private folder in memory (kiosk.speech.scratch)."""
        if self._scratch is None:
            self._scratch = scratch.make()
        return self._scratch

    _cache_warned = False

    def _note_cache_problem(self, err: OSError) -> None:
        if not self._cache_warned:
            self._cache_warned = True
            log.warning(
                "speech cache %s is not writable (%s); rendering without it", self.cache.folder, err.strerror or err
            )

    # Playing ------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._job is None and not self._closed:
                    self._wake.wait(timeout=RETRY_SECONDS)
                    if self.fault is not None and self._job is None and not self._closed:
                        break
                if self._closed:
                    return
                job, self._job = self._job, None
                self.player.reset()  # under the lock: a stop() for this job cannot slip in before it
            if job is None:
                self._probe()
                continue
            self._play(*job)

    def _play(self, generation: int, parts: list[str], language: str) -> None:
        if self.fault is not None and time.monotonic() - self._fault_at < RETRY_SECONDS:
            return
        speaking = False

        def started() -> None:
            nonlocal speaking
            if not speaking:
                speaking = True
                self._on_speaking(True)

        def rendered() -> Iterator[Clip]:
            for part in parts:
                if generation != self._generation:
                    return
                yield self.clip(part, language)

        try:
            self.player.play(rendered(), VOLUME_STEPS_DB[self.volume_step], on_start=started)
            self._clear_fault()
        except (SynthesisError, PlaybackError, OSError) as err:
            self._set_fault(str(err))
        finally:
            if speaking:
                self._on_speaking(False)

    def _probe(self) -> None:
        """While faulted and idle: check whether sound works again (device back, engine back)."""
        if time.monotonic() - self._fault_at < RETRY_SECONDS:
            return
        try:
            import numpy as np

            self.clip("OK.", next(iter(self.voices), "en"))
            self.player.play([Clip(np.zeros(160, dtype=np.int16), 16000)], -60.0)
            self._clear_fault()
        except (SynthesisError, PlaybackError, OSError) as err:
            self._set_fault(str(err))

    def _set_fault(self, reason: str) -> None:
        self._fault_at = time.monotonic()
        if reason != self.fault:
            log.error("sound unavailable: %s", reason)
        self.fault = reason

    def _clear_fault(self) -> None:
        if self.fault is not None:
            log.info("sound available again")
            self.fault = None
