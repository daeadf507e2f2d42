"""Barge-in: the echo canceller on the rig of bench/echo_rig.py (a prompt as a microphone a metre from the
speaker hears it), the far end's timeline, the rule for taking an answer over a prompt, and the real
listener with PocketSphinx hearing an answer over the kiosk's prompt and never the prompt alone."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import numpy as np
import pytest

from bench.echo_rig import FRAME, cancel, echo, erle, microphone
from kiosk.core.problems import InvalidFiles
from kiosk.hearing.barge_in import LISTEN_ERLE_DB, MIN_ERLE_DB, BargeIn, interrupts
from kiosk.hearing.base import Heard
from kiosk.hearing.echo import EchoCanceller
from kiosk.hearing.lag import LagTracker
from kiosk.hearing.listener import MicListener
from kiosk.speech.farend import FarEnd
from kiosk.station.config import load_settings
from kiosk.station.settings import Settings
from tests.support.barge_in import KIOSK_VOICE, NO_MICROPHONE, padded, prompt
from tests.support.fakes import ScriptedRecognizer
from tests.support.kiosk_driver import make_app
from tests.support.speech import RATE, Voice, say

pytestmark = pytest.mark.slow


def heard_through(
    canceller: EchoCanceller, delay: float, drift: float, *extra: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The second prompt's echo (after three others, as in a session) and what the canceller leaves of it."""
    for i in (0, 1, 0):
        cancel(canceller.process, microphone(echo(prompt(i), delay, 0.0, drift)), prompt(i))
    alone = echo(prompt(1), delay, 0.0, drift)
    return alone, cancel(canceller.process, microphone(alone, *extra), prompt(1))


@pytest.mark.parametrize(("delay", "drift"), [(20, 0), (300, 0), (150, 50), (300, 50), (40, 100)])
def test_the_echo_is_removed_at_usb_delays_and_its_own_measure_can_be_trusted(delay: float, drift: float) -> None:
    """One clock (no drift): 30 dB and more; drifting clocks (up to 100 ppm) 25 dB and more, where the
    kiosk listens (kiosk.hearing.barge_in arms itself by the canceller's own measure, which must never
    say more than it leaks). Until the echo is found in a prompt (`locked`) the kiosk does not listen
    over it: only locked frames are judged."""
    canceller = EchoCanceller()
    for i in (0, 1, 0):
        cancel(canceller.process, microphone(echo(prompt(i), delay, 0.0, drift)), prompt(i))
    alone = echo(prompt(1), delay, 0.0, drift)
    heard, left, locked = microphone(alone), [], []
    for at in range(0, len(heard) - FRAME + 1, FRAME):
        left.append(canceller.process(heard[at : at + FRAME], prompt(1)[at : at + FRAME]))
        locked += [canceller.locked] * FRAME
    loud = np.repeat([float(np.std(alone[i : i + FRAME])) > 300 for i in range(0, len(locked), FRAME)], FRAME)
    judged = np.array(locked) & loud  # where the kiosk would listen over its loud voice
    true_db = erle(alone[: len(judged)][judged], np.concatenate(left)[judged])
    measured = canceller.erle_db
    assert measured is not None
    assert not (measured >= LISTEN_ERLE_DB and true_db < MIN_ERLE_DB)  # never listening while it leaks
    assert judged.sum() > 0.75 * loud.sum() and true_db >= 25 and abs(measured - true_db) < 5
    if drift == 0:
        assert true_db >= 30


@pytest.mark.parametrize("delay", [20, 300])
def test_a_new_prompt_is_listened_over_from_its_first_second(delay: float) -> None:
    """A new prompt's lag is found again on its first echo (0.45 s in); the filter then first hears the
    prompt so far at that lag, so it listens from 0.55 s in, with the echo 25 dB down at once (without
    the catch-up: from 0.9 s, and 11 to 18 dB down meanwhile)."""
    canceller = EchoCanceller()
    for i in (0, 1, 0):
        cancel(canceller.process, microphone(echo(prompt(i), delay, 0.0)), prompt(i))
    alone = echo(prompt(1), delay, 0.0)
    heard, left, locked = microphone(alone), [], []
    for at in range(0, len(heard) - FRAME + 1, FRAME):
        left.append(canceller.process(heard[at : at + FRAME], prompt(1)[at : at + FRAME]))
        locked.append(canceller.locked)
    first = 2 * RATE + RATE * 6 // 10  # the speech starts 2 s in
    assert locked[first // FRAME]
    second = slice(first, first + RATE)
    assert erle(alone[second], np.concatenate(left)[second]) >= 25


def test_a_prompt_started_as_another_is_stopped_is_cancelled_where_its_own_echo_sits() -> None:
    """An answer stops a prompt and the kiosk at once asks "Did you mean No?" on a new stream, whose echo
    sits 2.5 ms later (a device opened anew). The lag is found again on the new stream's echo alone,
    before the kiosk listens over it: where it would listen, the echo is at least 25 dB down."""
    canceller = EchoCanceller()
    for i in (0, 1, 0):
        cancel(canceller.process, microphone(echo(prompt(i), 40, 0.0)), prompt(i))
    stopped = prompt(1)[: 5 * RATE]  # 3 s of the question, then an answer stopped it
    asked = padded(say("Did you mean No? Tap it, or say it again.", KIOSK_VOICE))[2 * RATE :]
    gap = np.zeros(RATE // 10, np.int16)
    played = np.concatenate([stopped, gap, asked])
    start = len(stopped) + len(gap)
    later = np.concatenate([np.zeros(start, np.int16), asked])
    first = echo(np.concatenate([stopped, np.zeros(len(played) - len(stopped), np.int16)]), 40, 0.0)
    second = echo(later, 42.5, 0.0)
    heard = microphone(first, second)
    left, judged = [], []
    for at in range(0, len(heard) - FRAME + 1, FRAME):
        new = start - at if 0 <= start - at < FRAME else None
        left.append(canceller.process_gated(heard[at : at + FRAME], played[at : at + FRAME], new)[0])
        loud = float(np.std(second[at : at + FRAME])) > 300
        judged += [at >= start and loud and canceller.locked and (canceller.erle_db or 0) >= LISTEN_ERLE_DB] * FRAME
    mask = np.array(judged)
    assert mask.sum() > RATE  # it listens over most of the 2.6 s question
    assert erle(second[: len(mask)][mask], np.concatenate(left)[mask]) >= 25


def test_the_canceller_hears_of_every_new_stream_even_one_told_late() -> None:
    """The rig's microphone timeline runs up to 0.2 s ahead of the player's: a stream the player starts
    may sit before the block now taken. It is still a new stream, from this block's start."""
    far = FarEnd()
    barge_in = BargeIn(far, wanted=True)
    far.start(10.0)
    assert barge_in._stream_start(10.025, 800) == 400  # halfway through this 50 ms block
    assert barge_in._stream_start(10.075, 800) is None  # the same stream
    far.start(10.1)
    assert barge_in._stream_start(10.2, 800) == 0


def test_the_patient_talking_over_the_prompt_is_kept() -> None:
    answer = say("no", Voice("espeak", "en-us+f3", 150))
    start = 4 * RATE
    said = np.zeros(len(prompt(1)))
    said[start : start + len(answer)] = answer
    _, without = heard_through(EchoCanceller(), 150, 0)
    _, with_answer = heard_through(EchoCanceller(), 150, 0, said)
    kept = (with_answer.astype(np.float64) - without)[start : start + len(answer)]
    ratio_db = 10 * np.log10(np.sum(kept**2) / np.sum(answer.astype(np.float64) ** 2))
    assert abs(ratio_db) < 3  # neither suppressed nor doubled


def test_the_lag_is_found_to_a_fraction_of_a_sample() -> None:
    far = np.random.default_rng(3).normal(0, 3000, 3 * RATE)
    late = np.interp(np.arange(len(far)) - 123.4, np.arange(len(far)), far)
    tracker = LagTracker(max_lag=RATE // 4)
    for n in range(tracker.window + tracker.max_lag, len(far), RATE // 4):
        tracker.observe(n, late[n - tracker.window : n], far[n - tracker.window - tracker.max_lag : n])
    lag = tracker.lag_at(len(far))
    assert lag is not None and abs(lag - 123.4) < 0.3


def test_the_far_end_is_what_played_when_it_played() -> None:
    far = FarEnd()
    played = np.arange(1, 16001, dtype=np.int16)
    far.start(100.0)
    far.add(played)
    assert np.array_equal(far.take(100.5, 800), played[7200:8000])
    assert np.array_equal(far.take(100.05, 1600)[:800], np.zeros(800))  # before it started: silence
    far.stop(100.25)  # a tap stopped it
    assert not far.take(100.5, 800).any() and np.array_equal(far.take(100.25, 800), played[3200:4000])
    far.start(101.0)  # the next prompt, stopped as it started: before its first sample reached the speaker
    far.add(played)
    far.stop(100.99)
    assert not far.take(101.02, 800).any() and not far.covers(101.5, 800)


def test_only_an_answer_spoken_long_enough_interrupts() -> None:
    assert interrupts(Heard("no", "no", 0.9), 0.2)
    assert interrupts(Heard("no", "no", 0.7, sure=False), 0.6)  # stops the prompt to ask "did you mean no?"
    assert not interrupts(Heard("no", "no", 0.9), 0.1)  # a clipped word
    assert not interrupts(Heard("hello", None, 0.9), 0.6)  # not an answer (or not heard well enough)


def test_barge_in_is_off_by_setting_or_without_its_library(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert BargeIn(FarEnd(), wanted=False).describe() == "off (off in the configuration)"
    monkeypatch.setattr("ctypes.util.find_library", lambda _: "libspeexdsp-not-here.so.9")
    with caplog.at_level(logging.WARNING):
        barge_in = BargeIn(FarEnd(), wanted=True)
    assert not barge_in.on and "libspeexdsp is not installed (apt install libspeexdsp1)" in barge_in.describe()
    assert "barge-in turned off: libspeexdsp is not installed" in caplog.text
    assert barge_in.clean(np.zeros(800, np.int16), 1.0) is None  # half-duplex


def test_barge_in_turns_itself_off_when_the_echo_cannot_be_cancelled(caplog: pytest.LogCaptureFixture) -> None:
    """A loudspeaker driven into distortion: no linear filter removes that echo; the kiosk stops listening
    over its prompts rather than risk hearing itself."""
    far, barge_in = FarEnd(), BargeIn(FarEnd(), wanted=True)
    barge_in.far = far
    played = prompt(1)
    heard = microphone(np.tanh(echo(played, 40, 6.0) / 3000) * 12000)
    seconds = len(played) / RATE
    with caplog.at_level(logging.WARNING):
        for session in range(20):  # prompt after prompt, until the canceller has had its time to learn
            far.start(session * seconds)
            far.add(played)
            for at in range(0, len(heard) - 800, 800):
                barge_in.clean(heard[at : at + 800], session * seconds + (at + 800) / RATE)
    assert not barge_in.on and "dB quieter after cancelling" in caplog.text
    assert "barge-in turned off" in caplog.text


def test_the_setting_is_checked_and_shown_by_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main

    config = tmp_path / "config.yaml"
    config.write_text(f"state_dir: {tmp_path}\nspeech_engine: {{en: off}}\nbarge_in: maybe\n")
    with pytest.raises(InvalidFiles, match=r"config.yaml:3:\d+: .*barge_in"):
        load_settings(config, Settings(Path("x")))
    for value, line in [("false", "barge-in: off (half-duplex"), ("true", "barge-in: on (patients may answer")]:
        config.write_text(f"state_dir: {tmp_path}\nspeech_engine: {{en: off}}\nbarge_in: {value}\n")
        assert load_settings(config, Settings(Path("x"))).barge_in == (value == "true")
        main(["status", "--config", str(config)])
        assert line in capsys.readouterr().out
    monkeypatch.setattr("ctypes.util.find_library", lambda _: "libspeexdsp-not-here.so.9")
    assert main(["status", "--config", str(config)]) == 1
    assert "barge-in: NOT available: libspeexdsp is not installed (apt install libspeexdsp1)" in capsys.readouterr().out


async def test_the_staff_status_line_says_whether_the_kiosk_listens_over_its_prompts() -> None:
    far = FarEnd()
    listener = MicListener(lambda: {"en": ScriptedRecognizer("")}, {}, {}, NO_MICROPHONE, BargeIn(far, True))  # type: ignore[dict-item]
    app = make_app(voiced=True)
    app.listener = listener
    try:
        while "en" not in listener.recognizers:
            await asyncio.sleep(0.01)
        listener.close()  # its thread finds no microphone and would say so again at any moment
        listener.fault = None  # as if it had found one
        listener._language = "en"
        assert "voice input on, barge-in on" in app.status_line()
        listener.barge_in.turn_off("a test")  # type: ignore[union-attr]
        assert "voice input on, barge-in off (a test)" in app.status_line()
    finally:
        listener.close()


def test_when_the_kiosk_speaks_but_nothing_played_is_known_it_does_not_listen() -> None:
    """The speaker's and the microphone's timelines disagree (a device's latency misreported): the
    canceller has no reference for these moments, so the raw microphone, the kiosk's own voice included,
    must not reach the end-pointer. Found on ALSA's file device."""
    barge_in = BargeIn(FarEnd(), wanted=True)
    voice = (np.sin(np.arange(800) / 3) * 8000).astype(np.int16)
    assert barge_in.clean(voice, 10.0, speaking=True) is None
    assert barge_in.clean(voice, 10.05, speaking=False) is not None  # the kiosk is quiet: a patient, heard


def test_a_clip_that_came_late_starts_a_new_far_end_stream() -> None:
    """Rendering slower than speech leaves the device without audio for a moment: what follows plays
    later than counted, and the far end must place it there (the canceller would look for it 400 ms at
    most from where it was)."""
    from types import SimpleNamespace

    from kiosk.speaking.player import Player

    far = FarEnd()
    player = Player(far=far)
    stream = SimpleNamespace(latency=0.01)
    now = time.monotonic()
    assert player._caught_up(stream, now - 1.0, 0.98) == now - 1.0  # on time: nothing moves
    far.start(now - 1.0)
    moved = player._caught_up(stream, now - 1.0, 0.5)  # half a second of silence was played
    assert abs(moved - (now - 0.5)) < 0.02
    assert len(far._streams) == 2 and abs(far._streams[-1].start - (time.monotonic() + 0.01)) < 0.02
