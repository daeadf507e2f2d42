"""RNNoise on the stream: a fan taken out of what the kiosk hears, block by block as it arrives, and only while
the room is a steady noise; without the library, the Wiener filter as before (tests/speech/test_voice_front_end.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from kiosk.hearing import endpoint
from kiosk.hearing.endpoint import LIVE, Endpointer, _level_db
from kiosk.hearing.rnnoise import BLOCK, DELAY, library, stream_denoiser
from tests.support.speech import Voice, in_room, librivox, pink_noise, say, snr_db

RATE = 16000


@pytest.fixture(scope="module")
def answer() -> np.ndarray:
    return say("yes please", Voice("festival", "kal"))


def test_scripts_setup_installs_rnnoise() -> None:
    assert library() is not None, "RNNoise is missing: run scripts/setup (it installs pyrnnoise without its deps)"


def test_a_stream_cleaned_block_by_block_is_the_stream_cleaned_whole(answer: np.ndarray) -> None:
    said = in_room(answer, pink_noise(5), 10.0, 0.5, 0.3)
    whole, blocks = stream_denoiser(), stream_denoiser()
    assert whole is not None and blocks is not None
    at_once = whole.feed(said)
    in_pieces = np.concatenate([blocks.feed(said[i : i + 333]) for i in range(0, len(said), 333)])
    assert len(at_once) == len(said) // BLOCK * BLOCK == len(in_pieces)  # the rest waits for the next block
    assert np.array_equal(at_once, in_pieces)
    # The output runs DELAY samples behind: the answer lines up there and nowhere near.
    x, y = said.astype(np.float64), at_once.astype(np.float64)
    lags = range(0, 2 * DELAY)
    fits = [float(np.dot(y[lag : lag + len(y) - 2 * DELAY], x[: len(y) - 2 * DELAY])) for lag in lags]
    assert abs(int(np.argmax(fits)) - DELAY) <= 2


def test_rnnoise_takes_a_fan_out_and_keeps_the_answer(answer: np.ndarray) -> None:
    said = in_room(answer, pink_noise(5), 10.0, 1.0, 0.4)
    said = said[: len(said) // BLOCK * BLOCK]
    clean = np.concatenate([np.zeros(RATE), answer, np.zeros(len(said))])[: len(said)]
    denoiser = stream_denoiser()
    assert denoiser is not None
    out = denoiser.feed(said).astype(np.float64)
    out = np.concatenate([out[DELAY:], np.zeros(DELAY)])  # lined up with what came in

    room = slice(RATE // 2, RATE)  # half a second in: RNNoise has learnt the room
    words = slice(RATE, RATE + len(answer))
    quieter = 10 * np.log10(np.mean(said[room].astype(np.float64) ** 2) / np.mean(out[room] ** 2))
    kept = 10 * np.log10(np.mean(out[words] ** 2) / np.mean(answer.astype(np.float64) ** 2))
    # When written: 10.0 -> 19.9 dB over what is left of the noise; the room 48 dB quieter; the answer -0.3 dB.
    assert snr_db(clean, out) - snr_db(clean, said) >= 7.0
    assert quieter >= 30.0 and abs(kept) <= 1.5, (quieter, kept)


def test_the_kiosk_cleans_the_stream_only_while_the_room_is_a_steady_noise(answer: np.ndarray) -> None:
    over_fan = in_room(answer, pink_noise(10), 10.0)
    heard = Endpointer(LIVE)  # PocketSphinx's margins: 100 ms before the words, 240 after
    utterances = heard.feed(over_fan) + heard.flush()
    assert heard.cleaning and len(utterances) == 1
    # Cut from clean audio, as close as in a quiet room: the words, 100 ms before and 240 ms after.
    assert len(utterances[0]) <= len(answer) + 0.34 * RATE
    assert _level_db(utterances[0][: RATE // 20]) < _level_db(over_fan[:RATE]) - 20
    heard.feed(np.zeros(2 * RATE, dtype=np.int16))  # the fan is switched off
    assert not heard.cleaning
    for room in (librivox(), np.zeros(1)):  # talk, quiet: never cleaned
        listening = Endpointer(LIVE)
        listening.feed(in_room(answer, room, 10.0))
        assert not listening.cleaning


def test_after_switching_the_cutters_learn_the_room_again_and_hear_nothing_meanwhile(answer: np.ndarray) -> None:
    fan = pink_noise(10)
    heard = Endpointer(LIVE)
    assert heard.feed(fan[: int(0.96 * RATE)].astype(np.int16)) == [] and not heard.cleaning
    heard.feed(fan[int(0.96 * RATE) : int(1.02 * RATE)].astype(np.int16))
    assert heard.cleaning  # judged on a second of the room
    loud = (answer.astype(np.float64) * 3).clip(-32768, 32767).astype(np.int16)  # said straight away
    assert heard.feed(loud[: LIVE.learn_ms * 16]) == []  # still learning: not an answer


def test_without_the_library_a_steady_noise_is_cleaned_with_the_wiener_filter(
    answer: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(endpoint, "stream_denoiser", lambda: None)  # as where the wheel is missing
    over_fan = in_room(answer, pink_noise(10), 10.0)
    heard = Endpointer(LIVE)
    missing = heard.feed(over_fan) + heard.flush()
    assert not heard.cleaning
    wiener = Endpointer(replace(LIVE, rnnoise=False))
    assert np.array_equal(missing[0], (wiener.feed(over_fan) + wiener.flush())[0])


def test_status_tells_staff_which_noise_filter_the_kiosk_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main
    from kiosk.hearing import rnnoise

    config = tmp_path / "config.yaml"
    config.write_text(f"state_dir: {tmp_path}\nspeech_engine: {{en: off}}\nsound: false\n")
    main(["status", "--config", str(config)])
    assert "noise filter: RNNoise" in capsys.readouterr().out
    monkeypatch.setattr(rnnoise, "library", lambda: None)
    main(["status", "--config", str(config)])
    assert (
        f"Wiener filter (RNNoise is not installed: pip install --no-deps {rnnoise.PACKAGE})" in capsys.readouterr().out
    )
