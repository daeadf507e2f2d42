"""Barge-in on the real audio path: the real kiosk plays through ALSA's file device and records from a
FIFO that a room rig fills with its own voice (tests/support/programs/barge_in_kiosk.py), and the
stream resampler that keeps the microphone and the played audio on one sampling grid."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from kiosk.speech.audio import Resampler
from tests.support.audio_env import run_program

ASOUNDRC = """
pcm.!default {{ type asym; playback.pcm "kioskout"; capture.pcm "kioskin" }}
pcm.kioskout {{ type file; slave.pcm "null"; file "{folder}/played.raw"; format "raw" }}
pcm.kioskin {{ type file; slave.pcm "null"; file "/dev/null"; infile "{folder}/heard.fifo"; format "raw" }}
"""


@pytest.mark.parametrize("rate", [44100, 48000, 22050])
def test_a_stream_resampled_in_blocks_is_the_stream_resampled_whole(rate: int) -> None:
    """Block by block (50 ms, as the listener reads) the output is the same samples as in one go: no
    stretch and no filtered edges at block borders, which had left the canceller an echo it could
    not match."""
    tone = (np.sin(2 * np.pi * 440 * np.arange(rate * 2) / rate) * 8000).astype(np.int16)
    block = int(rate * 0.05)
    blocked = Resampler(rate)
    parts = np.concatenate([blocked(tone[i : i + block]) for i in range(0, len(tone), block)])
    whole = Resampler(rate)(tone)
    assert len(parts) == len(whole)
    assert np.abs(parts.astype(int) - whole.astype(int)).max() <= 1
    assert abs(len(whole) - 32000) <= 1
    n = np.arange(200, len(whole) - 200)
    ideal = 8000 * np.sin(2 * np.pi * 440 * (n / 16000 - 32 / rate))  # 32 input samples: the filter's delay
    assert np.sqrt(np.mean((whole[n] - ideal) ** 2)) < 40


@pytest.mark.parametrize(("delay_ms", "level_db", "drift_ppm"), [(20, 6.0, 0.0), (150, 6.0, 50.0)])
def test_the_real_kiosk_on_alsa_never_takes_its_own_voice(
    tmp_path: Path, delay_ms: int, level_db: float, drift_ppm: float
) -> None:
    """Barge-in on, the question read through ALSA with its echo 6 dB louder than a patient would be,
    and nobody answering: the kiosk reads it to the end and stays on it."""
    (tmp_path / ".asoundrc").write_text(ASOUNDRC.format(folder=tmp_path))
    os.mkfifo(tmp_path / "heard.fifo")
    case = {"folder": str(tmp_path), "delay_ms": delay_ms, "level_db": level_db, "drift_ppm": drift_ppm}
    result = run_program("barge_in_kiosk", {**case, "answer": None, "answer_after_s": 0}, tmp_path, timeout=120)
    assert result["fifo_ran_dry"] == 0, result  # the rig kept up: the microphone had no gaps
    assert result["moved"] is False, result
    assert float(str(result["question_played_s"])) > 10, result  # "Do you have any of these now? ..." read to its end
    assert str(result["barge_in"]).startswith("on"), result
