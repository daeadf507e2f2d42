"""Every prompt of both bundled languages, in the kiosk's own voices, played into the real listener with
barge-in on and no patient: the kiosk never takes its own voice as an answer.

The listener listens for every answer and control of the language at once (more than any one screen
allows: the hardest case). There is no Chinese recogniser here (a Vosk Chinese model is an admin's
download), so Chinese prompts are heard by the English one: a kiosk that listens in English while a
Chinese prompt plays.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from kiosk.core.flow import spoken_texts
from kiosk.hearing.barge_in import BargeIn
from kiosk.hearing.recognizer import Recognizer
from kiosk.speaking.render import Renderer
from kiosk.speaking.voices import Voice
from kiosk.speech.audio import read_wav, to_engine_rate
from kiosk.speech.farend import FarEnd
from tests.support.barge_in import listen_through, listener_with, padded
from tests.support.kiosk_driver import PACKS
from tests.support.piper import joe

pytestmark = pytest.mark.slow


def rendered(texts: list[str], voice: Voice) -> list[np.ndarray]:
    """The texts as the kiosk renders them with `voice`, 16 kHz, with a session's pauses around them."""
    renderer = Renderer({voice.language: voice})
    out = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for i, text in enumerate(texts):
                path = Path(folder) / f"{i}.wav"
                renderer.render(text, voice, "normal", path)
                out.append(padded(to_engine_rate(*read_wav(path))))
    finally:
        renderer.close()
    return out


@pytest.mark.parametrize(
    ("language", "voice"),
    [("en", lambda: Voice.espeak("en-us", "en")), ("en", joe), ("zh", lambda: Voice.espeak("cmn", "zh"))],
    ids=["en-espeak", "en-piper", "zh-espeak"],
)
def test_no_prompt_is_ever_taken_as_an_answer(language: str, voice: object, pocketsphinx: Recognizer) -> None:
    texts = [text for text, code in spoken_texts(PACKS, 20) if code == language]
    prompts = rendered(texts, voice())  # type: ignore[operator]
    en = PACKS["en"]
    far = FarEnd()
    barge_in = BargeIn(far, True)
    listener = listener_with(pocketsphinx, en, barge_in)
    heard: list[str] = []
    listener.set_listener(lambda h: heard.append(f"{h.text} -> {h.intent}"))
    try:
        listener.listen(dict(en.intents), "en")
        learnt = listen_through(listener, far, [(p, None) for p in prompts[:3]])  # the canceller learns the room
        listen_through(listener, far, [(p, None) for p in prompts], learnt)
        assert heard == []
        assert barge_in.on, barge_in.describe()  # it listened over the prompts all along
    finally:
        listener.close()
    seconds = sum(len(p) for p in prompts) / 16000
    assert len(texts) >= 20 and seconds > 120
