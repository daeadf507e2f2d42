"""No input ends the kiosk: tens of thousands of random and adversarial sequences into the real program."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import pytest

from .input_fuzz import KNOWN_CRASHES, feed
from .kiosk_driver import make_app
from .pty_terminal import PtyTerminal
from .test_real_terminal import private_dirs  # noqa: F401  (fixture)

ALT_KIOSK = str(Path(sys.executable).parent / "alt-kiosk")
FUZZ_SEQUENCES = 20_000
"""In CI; `scripts/bench` (bench/input_fuzz.py) runs 200,000."""
SCREENS = (
    *("Liver test helper", "Question", "Your tips", "Tip ", "Thank you", "front desk", "still there"),
    *("肝功能小助手", "题，共", "给您的建议", "条，共", "谢谢您", "前台", "您还在吗"),  # a "2" on the welcome: 中文
)
"""Every screen a patient can be on shows one of these (bundled English content)."""

pytestmark = pytest.mark.slow


def start_kiosk(tmp_path: Path, dirs: dict[str, str], *extra: str) -> PtyTerminal:
    config = tmp_path / "config.yaml"
    config.write_text("speech_engine: {en: off}\n", encoding="utf-8")  # input is what is tested here
    return PtyTerminal([ALT_KIOSK, "run", "--kiosk", "--mute", "--config", str(config), *extra], {**os.environ, **dirs})


def test_the_known_killers_leave_the_kiosk_on_its_screen(tmp_path: Path, private_dirs: dict[str, str]) -> None:  # noqa: F811
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
    private_dirs: dict[str, str],  # noqa: F811
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
