"""The journal carries events, never health information: two patients who answer differently leave the
same lines, in the same order (the real program, as the service user, its journal read by the test)."""

from __future__ import annotations

import os
import shlex
import time
from collections.abc import Iterator

import pytest

from tests.support.service_user import ServiceBox
from tests.support.tmux import Tmux

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="runs the kiosk as another user (needs root to switch)")


@pytest.fixture
def box() -> Iterator[ServiceBox]:
    box = ServiceBox()
    box.config.write_text(box.config.read_text() + "speech_engine: {en: off, zh: off}\n")
    yield box
    box.close()


def press(kiosk: Tmux, keys: list[tuple[str, str]]) -> None:
    """Press each key, then wait for what it shows."""
    for key, then in keys:
        kiosk.keys(key)
        kiosk.wait_for(then)


def test_two_patients_who_answer_differently_leave_the_same_lines(box: ServiceBox) -> None:
    kiosk = Tmux(shlex.join(box.command("run", "--kiosk", "--mute", journal=True)), env=box.env())
    try:
        kiosk.wait_for("Liver test helper")
        time.sleep(1)
        start = len(box.messages())
        # Yes to the warning signs: the front desk, then Start over.
        press(kiosk, [("1", "Question 1 of 6"), ("1", "front desk"), ("8", "Liver test helper")])
        middle = len(box.messages(wait=1))
        # No to everything: every tip read, goodbye, then Start over.
        press(kiosk, [("1", "Question 1 of 6"), *[("2", f"Question {n} of 6") for n in range(2, 7)]])
        press(kiosk, [("2", "Your tips")])
        while "Thank you" not in kiosk.screen():
            kiosk.keys("enter")
        press(kiosk, [("8", "Liver test helper")])
        lines = box.messages(wait=1)
    finally:
        kiosk.kill()
    warning_signs, no_to_all = lines[start:middle], lines[middle:]
    assert warning_signs == no_to_all == ["session started", "session ended"], (warning_signs, no_to_all)
