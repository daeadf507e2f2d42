"""Playing prompts to the real listener as its microphone would hear them from the kiosk's loudspeaker."""

from __future__ import annotations

import time
from functools import cache

import numpy as np

from bench.echo_rig import echo, microphone
from kiosk.core.model import Content
from kiosk.hearing.barge_in import BargeIn
from kiosk.hearing.listener import MicListener
from kiosk.hearing.recognizer import Recognizer
from kiosk.hearing.understand import Bar
from kiosk.speech.audio import ENGINE_RATE as RATE
from kiosk.speech.farend import FarEnd
from tests.support.speech import Voice, say

BLOCK = RATE // 20  # the listener's 50 ms
KIOSK_VOICE = Voice("espeak", "en-us", 175)
PROMPTS = (
    "Do you drink alcohol most weeks? Say yes, no or not sure.",
    "Do you often stay up late, or feel tired most days? Say yes, no or not sure.",
)
NO_MICROPHONE = "no such microphone"


def listen_through(
    listener: MicListener,
    far: FarEnd,
    recordings: list[tuple[np.ndarray, np.ndarray | None]],
    clock: float = 0.0,
    delay_ms: float = 40,
    level_db: float = 0.0,
    drift_ppm: float = 0.0,
) -> float:
    """Each recording is 2 s of the room, a prompt, then 1 s of the room (`played`), with a patient's
    answer laid over it (`said`, as long, or None). The microphone hears the prompt `delay_ms` late
    through a small room, `level_db` louder than played, on a clock `drift_ppm` fast (bench.echo_rig.echo);
    the far end is told what played and when; the
    listener is told the kiosk speaks from 2 s in to 1 s before the end, as the speaker would tell it.
    The first recording starts at time `clock`, the listener's clock for the run (its tail of deafness
    after a prompt and its test for an answer begun over a prompt read it, as they read the real one);
    returns where the last one ended."""
    now = [clock]
    listener.clock = lambda: now[0]
    for played, said in recordings:
        heard = microphone(echo(played, delay_ms, level_db, drift_ppm), *([] if said is None else [said]))
        far.start(clock + 2.0)
        far.add(played[2 * RATE :])
        speaking = False
        for block in range(0, len(heard) - BLOCK, BLOCK):
            now[0] = clock + block / RATE
            if speaking != (2 * RATE <= block < len(played) - RATE):
                speaking = not speaking
                listener.set_speaking(speaking)
            now[0] = clock + (block + BLOCK) / RATE
            listener._consume(heard[block : block + BLOCK], now[0])
        clock += len(played) / RATE
    return clock


def padded(speech: np.ndarray) -> np.ndarray:
    """A prompt as a session plays it: 2 s of the room before, 1 s after."""
    return np.concatenate([np.zeros(2 * RATE, np.int16), speech, np.zeros(RATE, np.int16)])


def listener_with(recognizer: Recognizer, pack: Content, barge_in: BargeIn) -> MicListener:
    """The real listener with `recognizer` for English, fed by hand (`listen_through`): its own thread
    finds no microphone and keeps retrying, which changes nothing here."""
    listener = MicListener(
        lambda: {"en": recognizer}, {"en": pack.filler}, {"en": Bar.of(pack)}, NO_MICROPHONE, barge_in
    )
    deadline = time.monotonic() + 10
    while "en" not in listener.recognizers and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "en" in listener.recognizers
    return listener


@cache
def prompt(i: int) -> np.ndarray:
    """A question as the kiosk speaks it, with the room's quiet around it (as a session plays it)."""
    return padded(say(PROMPTS[i], KIOSK_VOICE))
