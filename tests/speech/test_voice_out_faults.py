"""When sound is missing or breaks: the kiosk keeps going, says so once, and recovers by itself."""

from __future__ import annotations

import logging
import shutil
import sys
import time
from pathlib import Path

import pytest

from kiosk.speaking.cache import PromptCache
from kiosk.speaking.speaker import VoiceSpeaker
from kiosk.speaking.synth import SynthesisError, Synthesizer
from tests.support.audio_env import alsa_home, played, run_program
from tests.support.paths import ROOT

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")

BAD_WORKER = [sys.executable, str(ROOT / "tests/support/programs/bad_worker.py")]
"""A stand-in worker that goes wrong in one way (its first argument)."""
CRASH = [*BAD_WORKER, "crash"]
HANG = [*BAD_WORKER, "hang"]
DIE_MID_REQUEST = [*BAD_WORKER, "die-mid-request"]
NO_ENGINE = [*BAD_WORKER, "no-engine"]


def wait_until(check: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (CRASH, "crashed"),
        (HANG, "did not answer"),
        (DIE_MID_REQUEST, "crashed"),
        (NO_ENGINE, "libespeak-ng"),
    ],
)
def test_synthesis_failures_raise_a_clear_error_fast(command: list[str], message: str, tmp_path: Path) -> None:
    synth = Synthesizer(command, timeout=1.0)
    started = time.monotonic()
    with pytest.raises(SynthesisError, match=message):
        synth.render("Hello.", "en-us", 165, tmp_path / "x.wav")
    assert time.monotonic() - started < 17
    synth.close()


def test_a_broken_engine_marks_sound_unavailable_logs_once_then_recovers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    synth = Synthesizer(DIE_MID_REQUEST, timeout=1.0)
    speaker = VoiceSpeaker({"en": "en-us"}, PromptCache(tmp_path / "cache"), synth=synth)
    try:
        with caplog.at_level(logging.INFO, logger="kiosk.voice.out"):
            for _ in range(3):
                speaker.speak("Hello there.", "en")
                time.sleep(0.2)
            assert wait_until(lambda: not speaker.available)
            assert "crashed" in (speaker.fault or "")
            errors = [r for r in caplog.records if r.levelno == logging.ERROR]
            assert len(errors) == 1 and "sound unavailable" in errors[0].getMessage()
            # The cause goes away: the engine works again; the idle probe notices (no device here, so the
            # fault becomes "no audio output device", which is the next true cause).
            synth._command = [sys.executable, "-m", "kiosk.speaking.espeak_worker"]
            assert wait_until(lambda: "crashed" not in (speaker.fault or ""), timeout=12)
    finally:
        speaker.close()


def test_unwritable_cache_still_speaks_and_says_why_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    speaker = VoiceSpeaker({"en": "en-us"}, PromptCache(blocker / "cache"))
    try:
        with caplog.at_level(logging.WARNING, logger="kiosk.voice.out"):
            assert speaker.prerender([("Hello there.", "en")]) == 0
            assert speaker.prerender([("Thank you.", "en")]) == 0
            first = speaker.clip("Hello there.", "en")
            second = speaker.clip("Thank you.", "en")
        assert first.seconds > 0.3 and second.seconds > 0.3 and speaker.available
        warnings = [r.getMessage() for r in caplog.records if "not writable" in r.getMessage()]
        assert len(warnings) == 1
        assert list((speaker._scratch or tmp_path).glob("*.wav")) == []  # scratch files are removed
    finally:
        speaker.close()


def test_cache_is_bounded_in_size(tmp_path: Path) -> None:
    cache = PromptCache(tmp_path / "cache", max_bytes=600_000)
    speaker = VoiceSpeaker({"en": "en-us"}, cache)
    try:
        long = [
            (f"This is sentence number {n}, which is quite long, to fill the cache up fast.", "en") for n in range(12)
        ]
        assert speaker.prerender(long, rates=["normal"]) == 12
        total = sum(p.stat().st_size for p in (tmp_path / "cache").glob("*.wav"))
        assert 0 < total <= 600_000
    finally:
        speaker.close()


def test_no_output_device_then_plugged_in(tmp_path: Path) -> None:
    home = alsa_home(tmp_path / "home")
    (home / ".asoundrc").rename(home / "asoundrc.later")
    result = run_program("speaker_recovers", {"home": str(home)}, home)
    assert result["fault"] == "no audio output device found (is a speaker connected?)"
    assert result["recovered"] is True
    assert len(played(home)) > 22050 * 0.5


def test_speech_left_in_memory_by_a_killed_kiosk_is_removed_at_the_next_start(tmp_path: Path) -> None:
    import os
    import signal
    import stat
    import subprocess

    from kiosk.speech import scratch

    leave = [sys.executable, "-m", "tests.support.programs.scratch_leftover"]
    killed = subprocess.Popen(leave, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    alive = subprocess.Popen(leave, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert killed.stdout is not None and alive.stdout is not None
        left, running = Path(killed.stdout.readline().strip()), Path(alive.stdout.readline().strip())
        assert left.parent == scratch.parent() and list(left.glob("tmp*.wav"))
        assert stat.S_IMODE(left.stat().st_mode) == 0o700  # no other user can list or read it
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
        assert left.exists()  # a killed process cannot clean up after itself
        speaker = VoiceSpeaker({"en": "en-us"}, PromptCache(tmp_path / "cache"))
        speaker.close()
        assert not left.exists() and running.exists()  # only the dead kiosk's folder goes
    finally:
        for process in (killed, alive):
            process.kill()
            process.wait()
    scratch.remove_stale(scratch.parent())
    assert not running.exists()
