"""Stopping: SIGTERM ends the real kiosk fast and leaves no process and no half-written file behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.station.content_store import ContentStore
from tests.support.audio_env import alsa_home, wait_until_speaking
from tests.support.paths import CONTENT
from tests.support.processes import command_line, descendants, kill_parent_of_worker, still_running
from tests.support.pty_terminal import PtyTerminal

ALT_KIOSK = str(Path(sys.executable).parent / "alt-kiosk")
EXIT_SECONDS = 1.0
"""SIGTERM to exit (README, systemd's expectations); bench/stop.py measures p50 and max."""

pytestmark = pytest.mark.slow


def start(folder: Path, cache: Path | None = None, state: Path | None = None) -> PtyTerminal:
    """The real kiosk on a pty with a sound card (ALSA file device) and PocketSphinx listening."""
    home = alsa_home(folder / "home", b"\0" * 16000 * 120)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(cache or folder / "cache"),
        "XDG_STATE_HOME": str(state or folder / "state"),
    }
    term = PtyTerminal([ALT_KIOSK, "run", "--kiosk"], env)
    term.wait_for("Liver test helper")
    return term


SPEECH_WORKERS = ("kiosk.speaking.espeak_worker", "kiosk.speaking.piper_worker")
"""espeak-ng through pyttsx3, or Piper when a Piper voice is installed (the test extra installs one)."""


PHONE_LOOP = ("kiosk.hearing.engines.phone_worker",)
"""PocketSphinx's phone loop, beside the grammar search."""


def speech_worker(term: PtyTerminal, timeout: float = 20, workers: tuple[str, ...] = SPEECH_WORKERS) -> int:
    """The first speech worker the kiosk starts, whichever engine speaks its first language (or another kind)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in descendants(term.proc.pid):
            if any(worker in command_line(pid) for worker in workers):
                return pid
        time.sleep(0.05)
    raise AssertionError(f"no {' or '.join(workers)} process ever started")


def stop_leaving_nothing(term: PtyTerminal, children: set[int]) -> None:
    """SIGTERM: a clean exit within EXIT_SECONDS, and none of `children` left running."""
    started = time.monotonic()
    term.proc.terminate()
    code = term.proc.wait(timeout=10)
    took = time.monotonic() - started
    assert code == 0 and took <= EXIT_SECONDS, took
    time.sleep(0.3)
    assert still_running(children) == set()


def test_sigterm_mid_speech_and_listening_ends_everything_within_a_second(tmp_path: Path) -> None:
    term = start(tmp_path)
    try:
        worker = speech_worker(term)
        time.sleep(2.0)  # the listener has its model and the microphone open
        term.write(b"1")
        term.wait_for("Question 1 of 6")
        wait_until_speaking(tmp_path / "home")
        children = descendants(term.proc.pid)
        assert worker in children
        stop_leaving_nothing(term, children)
    finally:
        term.close()


@pytest.mark.parametrize("workers", [SPEECH_WORKERS, PHONE_LOOP], ids=["speech", "phone loop"])
def test_a_hung_worker_neither_slows_the_exit_nor_survives_it(tmp_path: Path, workers: tuple[str, ...]) -> None:
    term = start(tmp_path)  # an empty cache: the speech worker is busy rendering ahead
    try:
        worker = speech_worker(term, 30, workers)
        time.sleep(0.5)
        os.kill(worker, signal.SIGSTOP)  # hung (it cannot notice its parent end either)
        time.sleep(0.5)
        stop_leaving_nothing(term, {worker})
    finally:
        with pytest.raises(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)
        term.close()


def test_the_speech_worker_ends_with_its_kiosk_even_when_killed_outright(tmp_path: Path) -> None:
    """SIGKILL, or the hard-exit path: no clean-up runs, and someone else still holds the worker's input open."""
    worker, holder = kill_parent_of_worker("speech")
    assert still_running({worker}) == set()
    for pid in holder:
        os.kill(pid, signal.SIGKILL)


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real, tiny filesystem that is full (tmpfs; needs root)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(disk)], check=False).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root): the full-disk case is not tested on this machine")
    try:
        with (disk / "filler").open("wb", buffering=0) as filler, contextlib.suppress(OSError):
            while True:
                filler.write(b"\0" * 4096)
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_leaves_no_staging_no_process_and_says_the_copy_is_missing(
    tmp_path: Path, full_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache, state = full_disk / "cache", full_disk / "state"
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    store = ContentStore(content, state / "alt-kiosk")
    store.load()
    assert store.keep_problem and "No space left on device" in store.keep_problem
    config = tmp_path / "config.yaml"
    config.write_text(f"content_dir: {content}\nstate_dir: {state / 'alt-kiosk'}\nspeech_engine: {{en: off}}\n")
    main(["status", "--config", str(config)])
    assert "last good copy: none saved" in capsys.readouterr().out
    term = start(tmp_path, cache, state)
    try:
        speech_worker(term)
        time.sleep(1.0)
        stop_leaving_nothing(term, descendants(term.proc.pid))
    finally:
        term.close()
    leftovers = [p for p in full_disk.rglob(".*") if p.name.startswith((".render-", ".content-"))]
    assert leftovers == []
