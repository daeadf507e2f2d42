"""The real listener, with PocketSphinx and barge-in on, hearing a patient's answer over the kiosk's prompt
(bench/echo_rig.py's room): the answer is taken and the prompt stopped, never the prompt alone."""

from __future__ import annotations

import numpy as np
import pytest

from bench.barge_in import loudness
from kiosk.core.loader import load_language
from kiosk.hearing.barge_in import LISTEN_ERLE_DB, BargeIn
from kiosk.hearing.recognizer import Recognizer
from kiosk.speech.farend import FarEnd
from tests.support.barge_in import listen_through, listener_with, prompt
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


@pytest.mark.parametrize(
    ("text", "speaker", "meant"),
    [
        ("i am not sure", Voice("festival", "kal"), "unsure"),
        ("could you say that again", Voice("espeak", "en-us+f3", 90), "repeat"),
    ],
)
def test_an_answer_is_heard_to_its_end_though_it_lowers_the_measured_erle(
    pocketsphinx: Recognizer, text: str, speaker: Voice, meant: str
) -> None:
    """The canceller leaves the patient's voice in, so while they speak its measured ERLE falls (here from
    28 dB to under the level the kiosk starts listening at): an answer once under way is heard to its end.
    Found by bench/barge_in_kiosk.py: the kiosk had stopped listening halfway through an answer."""
    far = FarEnd()
    barge_in = BargeIn(far, True)
    listener = listener_with(pocketsphinx, PACK, barge_in)
    voice = say(text, speaker)
    room = {"delay_ms": 150, "level_db": 20 * float(np.log10(loudness(voice) / loudness(prompt(0))))}
    heard: list[str | None] = []
    listener.set_listener(lambda h: heard.append(h.intent))
    try:
        listener.listen(ANSWERS, "en")
        clock = listen_through(listener, far, [(prompt(i % 2), None) for i in range(3)], **room)
        answer, at = np.zeros(len(prompt(1))), 5 * RATE // 2
        answer[at : at + len(voice)] = voice
        measured: list[float] = []
        clean = barge_in.clean

        def measuring(
            samples: np.ndarray, end: float, speaking: bool = False, hearing: bool = False
        ) -> tuple[np.ndarray, np.ndarray] | None:
            if hearing and barge_in._canceller is not None:  # the answer is under way
                measured.append(barge_in._canceller.erle_db or 0.0)
            return clean(samples, end, speaking, hearing)

        barge_in.clean = measuring  # type: ignore[method-assign]
        listen_through(listener, far, [(prompt(1), answer)], clock, **room)
        assert measured and min(measured) < LISTEN_ERLE_DB <= max(measured)
        assert heard == [meant]
    finally:
        listener.close()
