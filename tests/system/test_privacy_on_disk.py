"""Nothing about a patient reaches the disk, not even as a file time: a whole session with a real sound card."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from kiosk.core.flow import spoken_texts
from kiosk.core.loader import load_all
from kiosk.speaking.speaker import sentences
from kiosk.speaking.voices import choose
from tests.support.audio_env import alsa_home, played
from tests.support.paths import ROOT
from tests.support.tmux import ALT_KIOSK, Tmux

pytestmark = pytest.mark.slow
DEVICE_FILES = ("played.raw", "heard.raw", ".asoundrc")
"""The test's sound card (ALSA's file plugin), not the kiosk's."""


def stat_everything(folders: list[Path]) -> dict[str, tuple[int, int, int, int, str]]:
    """Every file's size, modification, access and change time (ns) and content digest; read without atime."""
    seen: dict[str, tuple[int, int, int, int, str]] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.name in DEVICE_FILES or not path.is_file():
                continue
            st = path.stat()
            fd = os.open(path, os.O_RDONLY | os.O_NOATIME)  # the test itself must not move access times
            with os.fdopen(fd, "rb") as file:
                digest = hashlib.sha256(file.read()).hexdigest()[:16]
            seen[str(path)] = (st.st_size, st.st_mtime_ns, st.st_atime_ns, st.st_ctime_ns, digest)
    return seen


def test_a_whole_spoken_session_changes_no_file(tmp_path: Path, private_dirs: dict[str, str]) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    home = alsa_home(Path(private_dirs["HOME"]))
    cache = Path(private_dirs["XDG_CACHE_HOME"]) / "alt-kiosk"
    packs = load_all(content)
    clips = {(s, code) for text, code in spoken_texts(packs, 20) for s in sentences(text)}
    # A Piper voice (installed for the tests) is rendered with its espeak-ng fallback beside it.
    backed = {code for code, pack in packs.items() if choose(code, "auto", pack.voice, ROOT / "models")[0].fallback}
    renders = 2 * (len(clips) + sum(code in backed for _, code in clips))
    session = Tmux(f"{ALT_KIOSK} run --kiosk --content {content}", env=private_dirs)
    try:
        session.wait_for("Liver test helper")
        # Rendering ahead (both rates) is the only writing allowed, and it is about content, not a patient.
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and len(list(cache.glob("*.wav"))) < renders:
            time.sleep(0.5)
        assert len(list(cache.glob("*.wav"))) == renders
        time.sleep(1.0)
        folders = [Path(p) for p in private_dirs.values()] + [content]
        before = stat_everything(folders)
        time.sleep(0.05)  # any later write gets a visibly later time stamp

        start = len(played(home))
        session.keys("1")  # Start
        session.wait_for("Question 1 of 6")
        for answer in ("2", "1", "3", "2", "1", "2"):  # no warning signs, then mixed answers
            time.sleep(1.5)  # let each question be spoken (read from the cache)
            session.keys(answer)
        session.wait_for("Your tips")
        session.keys("5")  # the sound panel: slower speech for this patient
        time.sleep(1.0)
        session.keys("3", "1", "4")  # slower, louder, done
        for _ in range(6):
            time.sleep(1.5)
            session.keys("Enter")
        session.keys("6")  # say that again
        time.sleep(2.0)
        assert len(played(home)) - start > 22050 * 10, "the session was not spoken"

        after = stat_everything(folders)
        changed = [path for path in before.keys() | after.keys() if before.get(path) != after.get(path)]
        assert not changed, {p: (before.get(p), after.get(p)) for p in changed}
    finally:
        session.kill()
