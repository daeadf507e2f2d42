"""PocketSphinx's free phone loop, run in its own process beside the grammar search.

The phone loop is the costliest of PocketSphinx's four passes over an utterance (66 of about 160 ms on
this project's 2-core machine) and needs nothing from the others but the utterance's cepstral mean. The
Python bindings hold the GIL while they decode, so a thread would not help: a worker process
(kiosk.hearing.engines.phone_worker) transcribes the phones on the second core while the kiosk's own process runs
the grammar search and the keyword spotter. If the worker cannot start, crashes or hangs, the phones are
transcribed here instead (the same decoder, the same result, only later) and the next utterance tries
the worker again.
"""

from __future__ import annotations

import base64
import logging
import sys
import time
from pathlib import Path
from typing import Any

from kiosk.speech.worker import Worker, WorkerError

log = logging.getLogger(__name__)

REPLY_TIMEOUT = 5.0
"""Seconds a transcription may take before the worker counts as hung (a 10 s utterance takes ~0.4 s)."""
REST_SECONDS = 60.0
"""After a failure the phones are transcribed here for this long before the worker is tried again: a worker
that cannot load costs one wait, not one per utterance."""
NOT_PHONES = frozenset({"SIL", "+NSN+", "+SPN+", "(NULL)", "<sil>", "<s>", "</s>"})


def model() -> tuple[Path, dict[str, Any]]:
    """The bundled US-English model's folder and the settings every decoder of ours shares."""
    from pocketsphinx import get_model_path

    folder = Path(get_model_path()) / "en-us"
    return folder, {"hmm": str(folder / "en-us"), "lm": None, "loglevel": "FATAL", "cmn": "batch"}


def phone_decoder() -> Any:
    """The free phone-loop decoder. Beams 1e-10 (not 1e-20): a quarter less time, the same agreement on the
    bench's utterances."""
    from pocketsphinx import Decoder

    folder, common = model()
    return Decoder(
        allphone=str(folder / "en-us-phone.lm.bin"), backtrace=False, lw=2.0, beam=1e-10, pbeam=1e-10, **common
    )


def run(decoder: Any, pcm: bytes, cmn: str | None = None) -> None:
    """Decode `pcm` (16 kHz, 16-bit) as one utterance, from `cmn` (a cepstral mean) when given."""
    decoder.reinit_feat()  # forget the last utterance: its mean and noise estimate (0.06 ms)
    if cmn is not None:
        decoder.set_cmn(cmn)
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()


def transcribe(decoder: Any, pcm: bytes, cmn: str) -> list[str]:
    """The phones the phone loop hears in `pcm`, silences and noises left out."""
    run(decoder, pcm, cmn)
    return [s.word for s in decoder.seg() or [] if s.word not in NOT_PHONES]


class PhoneLoop:
    """`start` hands an utterance to the worker and returns at once; `phones` waits for its transcription."""

    def __init__(self, command: list[str] | None = None, timeout: float = REPLY_TIMEOUT) -> None:
        self._worker = Worker(command or [sys.executable, "-m", "kiosk.hearing.engines.phone_worker"], "phone loop")
        self._timeout = timeout
        self._local: Any = None  # this process's own decoder, made only if the worker ever fails
        self._pending: tuple[bytes, str] | None = None
        self._sent = False
        self._rest_until = 0.0
        try:
            self._worker.start(wait=False)  # it loads its model while this process loads the grammar's
        except WorkerError as err:
            self._failed(err)

    @property
    def worker_pid(self) -> int | None:
        return self._worker.pid

    def start(self, pcm: bytes, cmn: str) -> None:
        if self._sent and self._pending is not None:  # the last answer was never read: start afresh
            self._worker.close()
        self._pending, self._sent = (pcm, cmn), False
        if time.monotonic() < self._rest_until:
            return
        try:
            self._worker.send({"pcm": base64.b64encode(pcm).decode("ascii"), "cmn": cmn})
            self._sent = True
        except WorkerError as err:
            self._failed(err)

    def phones(self) -> list[str]:
        assert self._pending is not None, "start() first"
        pcm, cmn = self._pending
        self._pending = None
        if self._sent:
            try:
                heard = self._worker.reply(self._timeout).get("phones")
                if isinstance(heard, list):
                    return [str(p) for p in heard]
                self._failed(WorkerError("phone loop replied without phones"))
            except WorkerError as err:
                self._failed(err)
        if self._local is None:
            self._local = phone_decoder()
        return transcribe(self._local, pcm, cmn)

    def close(self) -> None:
        self._worker.close()

    def _failed(self, err: WorkerError) -> None:
        self._worker.close()
        self._rest_until = time.monotonic() + REST_SECONDS
        log.warning("%s; phones are transcribed in the kiosk's own process for %.0f s", err, REST_SECONDS)
