"""Where the echo sits: the canceller's lag tracker (kiosk.hearing.lag) on the rig of bench/echo_rig.py, a
prompt as a microphone a metre from the speaker hears it, through a small room."""

from __future__ import annotations

import pytest

from bench.echo_rig import FRAME, cancel, echo, microphone
from kiosk.hearing.echo import EchoCanceller
from tests.support.barge_in import prompt

pytestmark = pytest.mark.slow


def test_the_first_lag_is_the_echo_and_not_a_chance_peak_of_the_first_syllable() -> None:
    """The very first lag the canceller takes is the room's (20 ms: 320 samples): a window holding only the
    welcome's first syllable once gave 1.2 samples, and the filter was misaligned for two prompts."""
    canceller = EchoCanceller()
    heard, played = microphone(echo(prompt(0), 20, 0.0)), prompt(0)
    first = None
    for at in range(0, len(heard) - FRAME + 1, FRAME):
        canceller.process(heard[at : at + FRAME], played[at : at + FRAME])
        first = canceller.tracker.line_at(at + FRAME)
        if first is not None:
            break
    assert first is not None and abs(first - 320) < 1


@pytest.mark.parametrize(("delay", "drift"), [(150, 50.0), (40, -20.0)])
def test_a_drifting_clock_is_measured_over_prompts_each_starting_afresh(delay: int, drift: float) -> None:
    """Each prompt's echo starts where the devices put it and drifts from there: the drift is measured on
    every prompt's own points together. Measured on the trained filter's own prediction alone it came
    out a fifth low (38.7 ppm for 50), and the line left the echo by more than a sample in one prompt."""
    canceller = EchoCanceller()
    for i in (0, 1, 0, 1):
        cancel(canceller.process, microphone(echo(prompt(i), delay, 0.0, drift)), prompt(i))
    measured = canceller.tracker.drift_ppm
    assert measured is not None and abs(measured - drift) < 5
