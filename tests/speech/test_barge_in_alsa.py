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


def in_real_time(params: dict[str, object], folder: Path, tries: int = 3) -> list[dict[str, object]]:
    """Runs of the rig until one in which it kept up (the microphone, a FIFO it fills in real time, never
    ran dry), that one last. A machine busy with something else can starve the rig: such a run is not
    the test the caller means, though what the kiosk did in it is still returned, to be checked too. The
    kiosk plays and records through `folder`'s .asoundrc (ASOUNDRC)."""
    (folder / ".asoundrc").write_text(ASOUNDRC.format(folder=folder))
    runs = []
    for _ in range(tries):
        (folder / "heard.fifo").unlink(missing_ok=True)
        os.mkfifo(folder / "heard.fifo")
        runs.append(run_program("barge_in_kiosk", params, folder, timeout=180))
        if runs[-1]["fifo_ran_dry"] == 0:
            return runs
    raise AssertionError(f"the rig could not keep up in {tries} runs: {runs}")


@pytest.mark.parametrize(("delay_ms", "level_db", "drift_ppm"), [(20, 6.0, 0.0), (150, 6.0, 50.0)])
def test_the_real_kiosk_on_alsa_never_takes_its_own_voice(
    tmp_path: Path, delay_ms: int, level_db: float, drift_ppm: float
) -> None:
    """Barge-in on, the question read through ALSA with its echo 6 dB louder than a patient would be,
    and nobody answering: the kiosk reads it to the end and stays on it."""
    case = {"folder": str(tmp_path), "delay_ms": delay_ms, "level_db": level_db, "drift_ppm": drift_ppm}
    runs = in_real_time({**case, "answer": None, "answer_after_s": 0}, tmp_path)
    assert all(run["moved"] is False and run["asked"] is None for run in runs), runs  # never taken, starved or not
    result = runs[-1]
    assert float(str(result["question_played_s"])) > 10, result  # "Do you have any of these now? ..." read to its end
    assert str(result["barge_in"]).startswith("on"), result


def test_the_real_kiosk_on_alsa_stops_and_moves_on_when_a_patient_answers_over_a_question(tmp_path: Path) -> None:
    """Barge-in on, after the welcome and three questions answered by touch, a patient says "no" 3 s into
    the next question with the echo as loud as they are: the kiosk stops the question within 1.6 s of
    the answer's start and moves on (at once, or after asking "Did you mean No?" and hearing it again).
    The bench moved on in about 4 of 5 such runs; one success in up to three tries is asked. A try may
    ask about a wrong guess ("Did you mean Help?": 2 tries in about 30 on this rig), which is not an
    answer taken: the kiosk acts only on the answer said again."""
    case = {"folder": str(tmp_path), "delay_ms": 20, "level_db": 0.0, "drift_ppm": 0.0, "warm_questions": 3}
    runs: list[dict[str, object]] = []
    for _ in range(3):
        runs += in_real_time({**case, "answer": "no", "answer_after_s": 3}, tmp_path)
        if runs[-1]["moved"] is True and runs[-1]["asked"] in (None, "no"):
            break
    result = runs[-1]
    assert result["moved"] is True and result["asked"] in (None, "no"), runs
    assert float(str(result["stopped_after_answer_s"])) < 1.6, result
    assert str(result["barge_in"]).startswith("on"), result
