"""PocketSphinx's phone loop in its own process: the same answers as in the kiosk's own, sooner; and a
worker that dies, hangs or never starts costs time, never an answer."""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Iterator

import numpy as np
import pytest

from kiosk.hearing.engines import phone_loop
from kiosk.hearing.engines.phone_loop import PhoneLoop, phone_decoder, run, transcribe
from kiosk.hearing.engines.sphinx import PocketSphinxRecognizer
from tests.support.processes import command_line, kill_parent_of_worker, still_running
from tests.support.speech import Voice, in_room, librivox, pink_noise, say

PHRASES = ["yes", "yeah", "no", "nope", "not sure", "maybe", "go back", "say that again", "i need help"]
SAID = [
    ("yes", Voice("festival", "kal")),
    ("not sure", Voice("festival", "slt")),
    ("go back", Voice("espeak", "en-us", 140)),
    ("nope", Voice("festival", "ked")),
]


@pytest.fixture(scope="module")
def utterances() -> list[np.ndarray]:
    """Answers in quiet and over a fan, and a stretch of other people's talk: the phone loop's three jobs."""
    said = [say(text, voice) for text, voice in SAID]
    fan = pink_noise(4)
    return [
        *said,
        *(in_room(audio, fan, 10, 0.3) for audio in said[:2]),
        librivox()[16000 : 16000 * 3],
    ]


@pytest.fixture(scope="module")
def local() -> Iterator[object]:
    """A recogniser whose phone loop runs in its own process only (the worker cannot start)."""
    recognizer = PocketSphinxRecognizer()
    recognizer._phones.close()
    recognizer._phones = PhoneLoop(["/bin/false"])
    yield recognizer


def test_the_phone_loop_runs_beside_the_grammar_and_hears_exactly_what_it_would_alone(
    pocketsphinx: PocketSphinxRecognizer, local: PocketSphinxRecognizer, utterances: list[np.ndarray]
) -> None:
    worker = pocketsphinx._phones.worker_pid
    assert worker is not None and worker != os.getpid()
    assert "kiosk.hearing.engines.phone_worker" in command_line(worker)
    assert local._phones.worker_pid is None
    beside = [pocketsphinx.decode(u, PHRASES) for u in utterances]
    alone = [local.decode(u, PHRASES) for u in utterances]
    assert beside == alone
    assert sum(r.text != "" for r in beside) >= 5, beside  # real decisions were compared, not empty ones
    assert len({round(r.confidence, 3) for r in beside}) >= 3, beside
    assert pocketsphinx._phones.worker_pid == worker  # one worker for every utterance


def _pcm_and_mean(audio: np.ndarray) -> tuple[bytes, str]:
    decoder = phone_decoder()
    pcm = audio.astype("<i2").tobytes()
    run(decoder, pcm)
    return pcm, str(decoder.get_cmn())


def test_a_killed_phone_worker_costs_one_wait_and_no_answer_and_is_tried_again_after_a_rest(
    utterances: list[np.ndarray], caplog: pytest.LogCaptureFixture
) -> None:
    pcm, cmn = _pcm_and_mean(utterances[1])
    expected = transcribe(phone_decoder(), pcm, cmn)
    assert len(expected) >= 4
    loop = PhoneLoop()
    loop.start(pcm, cmn)
    assert loop.phones() == expected
    first = loop.worker_pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger="kiosk.hearing.engines.phone_loop"):
        loop.start(pcm, cmn)
        assert loop.phones() == expected  # transcribed in this process instead
    assert "phone loop process" in caplog.text
    assert f"kiosk's own process for {phone_loop.REST_SECONDS:.0f} s" in caplog.text
    assert loop.worker_pid is None  # resting: not restarted on every utterance
    loop.start(pcm, cmn)
    assert loop.phones() == expected and loop.worker_pid is None
    loop._rest_until = 0.0  # the minute is over
    loop.start(pcm, cmn)
    assert loop.phones() == expected
    assert loop.worker_pid not in (None, first)  # a new worker after the rest
    loop.close()


def test_a_hung_phone_worker_is_given_up_within_its_timeout(
    utterances: list[np.ndarray], caplog: pytest.LogCaptureFixture
) -> None:
    pcm, cmn = _pcm_and_mean(utterances[0])
    loop = PhoneLoop(timeout=0.5)
    loop.start(pcm, cmn)
    expected = loop.phones()
    hung = loop.worker_pid
    assert hung is not None
    os.kill(hung, signal.SIGSTOP)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="kiosk.hearing.engines.phone_loop"):
        loop.start(pcm, cmn)
        assert loop.phones() == expected
    assert time.monotonic() - started < 2.0
    assert "did not answer within 0.5 s" in caplog.text
    assert still_running({hung}) == set()  # killed, not left behind stopped
    loop.close()


def test_an_answer_never_collected_does_not_become_the_next_utterances(utterances: list[np.ndarray]) -> None:
    """A decode that fails between handing audio over and reading the phones must not shift every later reply."""
    (first, cmn_first), (second, cmn_second) = _pcm_and_mean(utterances[0]), _pcm_and_mean(utterances[-1])
    decoder = phone_decoder()
    loop = PhoneLoop()
    loop.start(first, cmn_first)  # and never read
    loop.start(second, cmn_second)
    assert loop.phones() == transcribe(decoder, second, cmn_second)
    loop.start(first, cmn_first)
    assert loop.phones() == transcribe(decoder, first, cmn_first)
    loop.close()


def test_the_phone_worker_ends_with_its_kiosk_even_when_killed_outright() -> None:
    worker, _ = kill_parent_of_worker("phone loop")
    assert still_running({worker}) == set()
