"""No input ends the kiosk: tens of thousands of random and adversarial sequences into the real program."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import pytest

from tests.support.input_fuzz import KNOWN_CRASHES, SCREENS, feed
from tests.support.kiosk_driver import make_app
from tests.support.pty_terminal import PtyTerminal

ALT_KIOSK = str(Path(sys.executable).parent / "alt-kiosk")
FUZZ_SEQUENCES = 20_000
"""In CI; `scripts/bench` (bench/input_fuzz.py) runs 200,000."""
pytestmark = pytest.mark.slow


def start_kiosk(tmp_path: Path, dirs: dict[str, str], *extra: str) -> PtyTerminal:
    config = tmp_path / "config.yaml"
    config.write_text("speech_engine: {en: off}\n", encoding="utf-8")  # input is what is tested here
    return PtyTerminal([ALT_KIOSK, "run", "--kiosk", "--mute", "--config", str(config), *extra], {**os.environ, **dirs})


def test_the_known_killers_leave_the_kiosk_on_its_screen(tmp_path: Path, private_dirs: dict[str, str]) -> None:
    term = start_kiosk(tmp_path, private_dirs)
    try:
        term.wait_for("Liver test helper")
        for killer in KNOWN_CRASHES:
            term.write(killer)
        time.sleep(1.0)
        assert term.proc.poll() is None, "the kiosk ended"
        term.write(b"1")  # and it still takes a patient's key: Start
        term.wait_for("Question 1 of 6")
    finally:
        assert term.close() == 0  # SIGTERM: a clean exit


def test_random_and_adversarial_input_never_ends_or_unlocks_the_kiosk(
    tmp_path: Path,
    private_dirs: dict[str, str],
) -> None:
    term = start_kiosk(tmp_path, private_dirs)
    try:
        term.wait_for("Liver test helper")
        feed(term.write, lambda: term.proc.poll() is None, seed=20261126, count=FUZZ_SEQUENCES)
        time.sleep(1.0)
        assert term.proc.poll() is None
        # Still drawing a patient's screen: a resize makes it draw everything again, from its event loop.
        term.screen.reset()
        term.resize(72, 22)
        term.wait_for(*SCREENS)
        # Still locked: the keys that would leave or suspend a normal program do nothing.
        term.write(b"\x03\x11\x1a\x1c\x10\x1b")
        time.sleep(1.0)
        assert term.proc.poll() is None
    finally:
        code = term.close()
    assert code == 0


async def test_when_textual_gives_up_anyway_the_exit_is_a_failure() -> None:
    """Textual ends the app on a panic (e.g. its input thread died) with exit 0; the kiosk makes it 1 for systemd."""
    app = make_app()
    async with app.run_test():
        app.panic("the input thread died")
    assert app.return_code == 1


async def test_an_error_in_the_kiosk_itself_is_logged_and_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    app = make_app()
    with pytest.raises(ZeroDivisionError):  # run_test hands it on; the real program prints it after the exit
        async with app.run_test() as pilot:
            app.call_later(lambda: 1 / 0)
            await pilot.pause()
    assert app.return_code == 1
    assert any(r.getMessage() == "the kiosk ended unexpectedly" and r.exc_info for r in caplog.records)


def test_input_faults_are_logged_at_most_once_a_minute_without_the_bytes(caplog: pytest.LogCaptureFixture) -> None:
    from kiosk.ui.terminal import InputFaults

    faults = InputFaults()
    with caplog.at_level(logging.WARNING, logger="kiosk"):
        for _ in range(500):
            faults.note(ValueError("chr() arg not in range(0x110000)"))
    assert [r.getMessage() for r in caplog.records] == [
        "terminal input not understood (ValueError), 1 time(s) since the last report; input parser restarted"
    ]


CONTROL_STRINGS = (
    b"\x1b]52;c;AAAA\x07",  # a clipboard write (OSC 52), ended by BEL: its "2" once switched to Chinese
    b"\x1b]52;c;MjIy\x1b\\",  # the same ended by ST
    b"\x1bP1$r2;1m\x1b\\",  # a DCS reply
    b"\x1b_G2;1;2\x1b\\",  # an APC (a graphics protocol)
    b"\x1b^2\x1b\\\x1bX2\x1b\\",  # PM and SOS
)


def test_no_part_of_a_control_string_becomes_a_key(tmp_path: Path, private_dirs: dict[str, str]) -> None:
    term = start_kiosk(tmp_path, private_dirs)
    try:
        term.wait_for("Liver test helper")
        time.sleep(1.0)
        for sequence in CONTROL_STRINGS:
            term.write(sequence)
        term.write(b"\x1b]52;c;")  # split across two reads
        time.sleep(0.05)
        term.write(b"MjIy\x07")
        time.sleep(1.5)
        screen = term.text()
        assert "Liver test helper" in screen and "肝功能小助手" not in screen
        term.write(b"1")  # and the next key is a patient's: Start
        term.wait_for("Question 1 of 6")
    finally:
        assert term.close() == 0


def test_the_control_string_filter_keeps_keys_and_drops_strings() -> None:
    from kiosk.ui.terminal import STRING_SECONDS, ControlStrings

    now = [0.0]
    strings = ControlStrings(clock=lambda: now[0])
    assert strings.feed("1\x1b]52;c;AAAA\x072") == "12"
    assert strings.feed("a\x1b]52;c;") == "a" and strings.feed("MjIy\x1b") == "" and strings.feed("\\b") == "b"
    assert strings.feed("\x1b[A\x1bOP") == "\x1b[A\x1bOP"  # keys (an arrow, F1) pass
    assert strings.feed("\x1b") == "\x1b" and strings.feed("]") == "]"  # Escape, then "]": two keys
    assert strings.feed("\x9d52;c;x\x9c3") == "3"  # 8-bit introducer and terminator
    assert strings.feed("\x1bPq#0") == ""  # a string whose end is lost...
    now[0] += STRING_SECONDS + 0.1
    strings.tick()
    assert strings.feed("4") == "4"  # ...gives way to keys
