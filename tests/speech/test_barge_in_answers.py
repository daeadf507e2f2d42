"""The real listener, with PocketSphinx and barge-in on, hearing a patient's answer over the kiosk's prompt
(bench/echo_rig.py's room): the answer is taken and the prompt stopped, never the prompt alone."""

from __future__ import annotations

import numpy as np
import pytest

from bench.barge_in import loudness
from bench.echo_rig import echo, microphone
from kiosk.core.loader import load_language
from kiosk.hearing.barge_in import LISTEN_ERLE_DB, BargeIn
from kiosk.hearing.recognizer import Recognizer
from kiosk.speech.farend import FarEnd
from tests.support.barge_in import BLOCK, listen_through, listener_with, prompt
from tests.support.paths import ROOT
from tests.support.speech import RATE, Voice, say

pytestmark = pytest.mark.slow

PACK = load_language(ROOT / "content" / "en")
ANSWERS = {i: PACK.intents[i] for i in ("yes", "no", "unsure", "repeat", "back", "help")}


def test_the_listener_takes_an_answer_over_its_prompt_and_never_the_prompt(pocketsphinx: Recognizer) -> None:
    far = FarEnd()
    listener = listener_with(pocketsphinx, PACK, BargeIn(far, True))
    heard: list[str | None] = []
    stops: list[int] = []
    listener.set_listener(lambda h: heard.append(h.intent))
    listener.set_interrupt(lambda: stops.append(len(heard)))
    try:
        listener.listen(ANSWERS, "en")
        clock = listen_through(listener, far, [(prompt(i % 2), None) for i in range(6)])  # "Say yes, no or not sure"
        assert heard == [] and stops == []
        assert listener.barge_in is not None and listener.barge_in.describe().startswith("on (the kiosk's voice")
        answer = np.zeros(len(prompt(0)))
        said = say("no", Voice("espeak", "en-us+f3", 150))
        answer[4 * RATE : 4 * RATE + len(said)] = said
        listen_through(listener, far, [(prompt(0), answer)], clock)
        assert heard == ["no"] and stops == [0]  # the prompt was stopped before the answer was reported
    finally:
        listener.close()


def test_an_answer_over_a_prompt_leaves_the_kiosk_listening_over_the_next(pocketsphinx: Recognizer) -> None:
    """The canceller leaves the patient's voice in; the ERLE measure leaves it out (an answer had pulled it
    from 30 dB to 2, and the kiosk stopped listening over the next prompts). Found by bench/barge_in_kiosk.py;
    here a slow "I am not sure" (3 s), then "no" over the next prompt."""
    far = FarEnd()
    barge_in = BargeIn(far, True)
    listener = listener_with(pocketsphinx, PACK, barge_in)
    answers = [
        (say("i am not sure", Voice("espeak", "en-us+f3", 70)), "unsure"),
        (say("no", Voice("espeak", "en-us+f3", 150)), "no"),
    ]
    room = {"delay_ms": 150, "level_db": 20 * float(np.log10(loudness(answers[0][0]) / loudness(prompt(0))))}
    heard: list[str | None] = []
    listener.set_listener(lambda h: heard.append(h.intent))
    measured: list[float] = []
    clean = barge_in.clean

    def measuring(
        samples: np.ndarray, end: float, speaking: bool = False, hearing: bool = False
    ) -> tuple[np.ndarray, np.ndarray] | None:
        out = clean(samples, end, speaking, hearing)
        if speaking and barge_in._canceller is not None and barge_in._canceller.locked:
            measured.append(barge_in._canceller.erle_db or 0.0)
        return out

    try:
        listener.listen(ANSWERS, "en")
        clock = listen_through(listener, far, [(prompt(i % 2), None) for i in range(3)], **room)
        barge_in.clean = measuring  # type: ignore[method-assign]
        for i, (voice, meant) in enumerate(answers):
            answer = np.zeros(len(prompt(1 - i)))
            answer[4 * RATE : 4 * RATE + len(voice)] = voice
            clock = listen_through(listener, far, [(prompt(1 - i), answer)], clock, **room)
            assert heard[i:] == [meant]
        assert min(measured) >= LISTEN_ERLE_DB
    finally:
        listener.close()


def test_an_utterance_under_way_is_heard_to_its_end_whatever_the_measure() -> None:
    """The ERLE the kiosk needs to listen over a prompt is needed to start an utterance, not to go on:
    the measure can fall in the middle of an answer (a patient talking on, or the room changing)."""
    far = FarEnd()
    barge_in = BargeIn(far, True)
    talk = say("do I have to answer all of these questions now, or can I wait for the doctor", Voice("festival", "kal"))
    for i in range(4):  # three prompts to learn the room, then one talked over unheard: the measure falls
        played = prompt(i % 2)
        said = np.zeros(len(played))
        said[2 * RATE : 2 * RATE + len(talk)] = talk[: len(played) - 2 * RATE] if i == 3 else 0
        heard = microphone(echo(played, 150, 0.0), said)
        far.start(i * 10.0)
        far.add(played)
        for at in range(0, len(heard) - 2 * BLOCK, BLOCK):
            barge_in.clean(heard[at : at + BLOCK], i * 10.0 + (at + BLOCK) / RATE, True)
    assert barge_in._canceller is not None and (barge_in._canceller.erle_db or 0.0) < LISTEN_ERLE_DB
    at = len(heard) - 2 * BLOCK
    block = heard[at : at + BLOCK]
    assert barge_in.clean(block, 30.0 + (at + BLOCK) / RATE, True) is None  # no utterance: none starts
    assert barge_in.clean(block, 30.0 + (at + 2 * BLOCK) / RATE, True, hearing=True) is not None
