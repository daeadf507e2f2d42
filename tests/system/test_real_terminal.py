"""The real program in a real terminal (tmux): keys in, screen out, signals, the Linux console."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.speaking.cache import STAGING_PREFIX
from tests.support.paths import ROOT
from tests.support.tmux import ALT_KIOSK, Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

# What a Linux console font (e.g. Lat15-Terminus) can draw: ASCII, Latin-1 and the CP437 box set we use.
CONSOLE_SAFE = set(map(chr, range(32, 127))) | set(map(chr, range(0xA0, 0x100))) | set("─│┌┐└┘═║╔╗╚╝")


@pytest.fixture
def kiosk(private_dirs: dict[str, str]) -> Iterator[Tmux]:
    session = Tmux(f"{ALT_KIOSK} run --kiosk", env=private_dirs)
    yield session
    session.kill()


def test_a_whole_journey_by_keys_in_kiosk_mode(kiosk: Tmux, private_dirs: dict[str, str]) -> None:
    kiosk.wait_for("Liver test helper")
    kiosk.keys("1")
    kiosk.wait_for("Question 1 of 6")
    # Signals and escape keys a patient might try, in a real tty.
    kiosk.keys("C-c", "C-z", "C-\\", "C-q", "C-p", "Escape", "F1", "F10")
    time.sleep(0.5)
    screen = kiosk.wait_for("Question 1 of 6")
    assert "EXITED" not in screen
    # One key per screen, each once the screen is up, as a patient reads before tapping: a key sent
    # blindly can land inside the double-tap guard when a loaded machine draws the screen late.
    for next_screen in [*(f"Question {number} of 6" for number in range(2, 7)), "Your tips"]:
        kiosk.keys("2")
        kiosk.wait_for(next_screen)
    for _ in range(4):
        kiosk.press_and_wait_for_change("Enter")
    screen = kiosk.wait_for("Thank you")
    assert "See your doctor" not in screen and "Start over" in screen
    # The only files written are prompts rendered from content into the speech cache, and a copy of the
    # (good) content itself: nothing about the patient.
    cache = Path(private_dirs["XDG_CACHE_HOME"]) / "alt-kiosk"
    kept = Path(private_dirs["XDG_STATE_HOME"]) / "alt-kiosk" / "last-good-content"
    rendered = Path(private_dirs["XDG_STATE_HOME"]) / "alt-kiosk" / "rendered"  # the content's drawing verdict
    written = [p for folder in private_dirs.values() for p in Path(folder).rglob("*") if p.is_file()]
    for path in written:
        if path.parent == rendered:
            assert path.read_bytes() == b""  # the bundled content drew on every screen: no problem to keep
        elif path.is_relative_to(kept):
            assert path.read_bytes() == (ROOT / "content" / path.relative_to(kept)).read_bytes()
        else:  # a rendered prompt, or one still being rendered in the background (its staging file)
            assert path.parent == cache and (path.suffix == ".wav" or path.name.startswith(STAGING_PREFIX)), path


def test_sigterm_exits_cleanly_and_fast(kiosk: Tmux) -> None:
    kiosk.wait_for("Liver test helper")
    pid = kiosk.pid()
    started = time.monotonic()
    os.kill(pid, 15)
    screen = kiosk.wait_for("EXITED=", timeout=5)
    assert time.monotonic() - started < 2.0
    assert "EXITED=0" in screen


def test_the_linux_console_gets_only_glyphs_its_font_has(private_dirs: dict[str, str]) -> None:
    # As the console unit runs it (Environment=TERM=linux); tmux would give the program its own TERM.
    session = Tmux(f"TERM=linux {ALT_KIOSK} run --kiosk", term="linux", env=private_dirs)
    try:
        for keys, text in (
            ([], "Liver test helper"),
            (["1"], "Question 1 of 6"),
            (["2"], "Question 2 of 6"),
            (["1"], "Question 3 of 6"),
        ):
            session.keys(*keys)
            screen = session.wait_for(text)
            odd = {c for c in screen if c not in CONSOLE_SAFE and c != "\n"}
            assert not odd, f"glyphs a console font lacks: {sorted(odd)}"
    finally:
        session.kill()


def test_bad_content_is_refused_with_file_and_line(tmp_path: Path, private_dirs: dict[str, str]) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "content" / "en" / "advice.yaml").write_text("advice: [\n", encoding="utf-8")
    result = subprocess.run(
        [ALT_KIOSK, "run", "--content", str(tmp_path / "content")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, **private_dirs},  # no last good copy from earlier runs
    )
    assert result.returncode == 1
    assert f"{tmp_path}/content/en/advice.yaml:2:1: YAML syntax error" in result.stderr


def test_the_real_kiosk_speaks_through_the_sound_card_without_touching_the_screen(
    tmp_path: Path, private_dirs: dict[str, str]
) -> None:
    from tests.support.audio_env import alsa_home, played, rms_db

    home = alsa_home(Path(private_dirs["HOME"]))
    session = Tmux(f"{ALT_KIOSK} run --kiosk", env=private_dirs)
    try:
        screen = session.wait_for("Liver test helper")
        deadline = time.monotonic() + 20  # a loaded machine renders slowly; the sound card meanwhile plays silence
        while time.monotonic() < deadline and (len(played(home)) < 22050 * 2 or rms_db(played(home)) <= -45):
            time.sleep(0.1)
        assert rms_db(played(home)) > -45, "the welcome was not spoken"
        session.keys("1", "2")
        screen = session.wait_for("Question 2 of 6")
        assert "Sound is off" not in screen
        for stray in ("Audio saved", "ALSA", "espeak", "Traceback", "Warning"):
            assert stray not in screen, stray
        assert screen.splitlines()[0].startswith(" Question 2 of 6")
    finally:
        session.kill()


def test_the_real_service_protocol_reload_and_sigterm_mid_speech(tmp_path: Path, private_dirs: dict[str, str]) -> None:
    import signal
    import socket as socketlib

    from tests.support.audio_env import alsa_home, played

    home = alsa_home(Path(private_dirs["HOME"]))
    sock = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify"))
    sock.settimeout(15)
    env = {**private_dirs, "NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "1000000"}
    session = Tmux(f"{ALT_KIOSK} run --kiosk", env=env)
    try:
        messages = [sock.recv(4096).decode() for _ in range(3)]
        assert any(m.startswith("READY=1\nSTATUS=content en 2026.11.27-1") for m in messages), messages
        assert "WATCHDOG=1" in messages
        pid = session.pid()
        os.kill(pid, signal.SIGHUP)
        seen = [sock.recv(4096).decode() for _ in range(4)]
        assert "RELOADING=1" in seen and any(m.startswith("READY=1") for m in seen), seen
        session.keys("1")  # a question is being spoken now
        deadline = time.monotonic() + 10
        before = len(played(home))
        while time.monotonic() < deadline and len(played(home)) < before + 22050 // 2:
            time.sleep(0.05)
        started = time.monotonic()
        os.kill(pid, signal.SIGTERM)
        while True:
            message = sock.recv(4096).decode()
            if message == "STOPPING=1":
                break
        screen = session.wait_for("EXITED=", timeout=5)
        took = time.monotonic() - started
        assert "EXITED=0" in screen and took < 2.0, took
        size = len(played(home))
        time.sleep(0.5)
        assert len(played(home)) == size  # speech stopped with the process
    finally:
        session.kill()
        sock.close()


def test_spoken_answer_through_the_sound_card_moves_the_real_kiosk(
    tmp_path: Path, private_dirs: dict[str, str]
) -> None:
    """Audio file -> ALSA file device -> PortAudio -> end-pointing -> PocketSphinx -> intent -> next screen."""
    import numpy as np

    from kiosk.speech.audio import to_engine_rate
    from tests.support.audio_env import alsa_home
    from tests.support.speech import RATE, Voice, say

    device_rate = 44100  # the ALSA file device's default rate, at which the kiosk opens it
    voice = to_engine_rate(say("yes", Voice("festival", "kal")), RATE, device_rate)
    silence = np.zeros(device_rate * 7, dtype=np.int16)
    heard = np.concatenate([silence, voice, np.zeros(device_rate * 60, dtype=np.int16)])
    alsa_home(Path(private_dirs["HOME"]), heard.tobytes())
    session = Tmux(f"{ALT_KIOSK} run --kiosk --mute", env=private_dirs)
    try:
        session.wait_for("Liver test helper")
        session.keys("1")
        session.wait_for("Question 1 of 6")
        screen = session.wait_for("Please tell the front desk now", timeout=25)
        assert "Voice is off" not in screen
    finally:
        session.kill()


def test_chinese_in_a_utf8_terminal_chosen_answered_and_wiped(tmp_path: Path, private_dirs: dict[str, str]) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("languages: [en, zh]\n")  # the first is the default; [zh, en] would start in Chinese
    session = Tmux(
        f"{ALT_KIOSK} run --kiosk --config {config}", env={**private_dirs, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    )
    try:
        session.wait_for("2 中文")
        session.keys("2")
        session.wait_for("肝功能小助手")
        session.keys("1")
        session.wait_for("第 1 题，共 6 题")
        session.keys("2", *["1"] * 5)  # no warning signs; yes to every cause
        session.wait_for("给您的建议")
        for title in ("喝酒", "睡觉和休息", "脂肪肝", "您吃的药", "乙肝或丙肝", "吃饭", "复查肝功能", "看医生"):
            session.keys("Enter")
            screen = session.wait_for(title)
            assert "不能代替医生看病" in screen
        session.keys("Enter")
        session.wait_for("谢谢您")
        session.keys("8")  # Start over: the next patient gets the language choice again
        screen = session.wait_for("Liver test helper")
        assert "2 中文" in screen and "EXITED" not in screen
    finally:
        session.kill()


def test_a_hot_edit_with_markup_characters_goes_live_and_shows_them_as_typed(
    tmp_path: Path, private_dirs: dict[str, str]
) -> None:
    """Issue 41, finding 1, on the real kiosk: a bracket in a label used to end the kiosk for good (and the
    crash became the last good copy); now it is drawn as typed, and the kiosk goes on."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    session = Tmux(f"{ALT_KIOSK} run --kiosk --mute --content {content}", env=private_dirs)
    try:
        session.wait_for("Liver test helper", timeout=30)
        screens = content / "en" / "screens.yaml"
        text = screens.read_text(encoding="utf-8")
        screens.write_text(
            text.replace('unsure: "Not sure"', 'unsure: "Not sure [x]"').replace(
                "help: Call staff", 'help: "Staff [/]"'
            )
        )
        kept = Path(private_dirs["XDG_STATE_HOME"]) / "alt-kiosk" / "last-good-content" / "en" / "screens.yaml"
        deadline = time.monotonic() + 60  # noticed, settled, drawn in the background, then live
        while time.monotonic() < deadline and b"[x]" not in (kept.read_bytes() if kept.exists() else b""):
            time.sleep(0.5)
        assert b"[x]" in kept.read_bytes(), "the edit never went live"
        time.sleep(1.0)  # the welcome is drawn again with the new content; a key at that moment is a double tap
        session.keys("1")
        session.wait_for("Question 1 of 6")
        session.keys("2")
        screen = session.wait_for("Question 2 of 6")
        assert "Not sure [x]" in screen and "Staff [/]" in screen
        session.keys("3")  # the patient taps "Not sure [x]": taken, the kiosk goes on
        screen = session.wait_for("Question 3 of 6")
        assert "EXITED" not in screen and "Traceback" not in screen
    finally:
        session.kill()
