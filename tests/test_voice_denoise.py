"""Steady noise: told apart from talk and quiet, cleaned out of the utterance, and more answers heard for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kiosk.voice import Decision
from kiosk.voice.denoise import is_steady, wiener
from kiosk.voice.endpoint import LIVE, EndpointSettings, _level_db
from kiosk.voice.understand import first_utterance

from .conftest import ROOT
from .speech import Voice, active_power, in_room, librivox, pink_noise, say

if TYPE_CHECKING:
    from kiosk.voice.sphinx import PocketSphinxRecognizer

RATE = 16000
UNCLEANED = EndpointSettings(clean_steady=False)


def cut(audio: np.ndarray, settings: EndpointSettings = LIVE) -> np.ndarray:
    """The utterance the kiosk would hear in this recording."""
    utterance = first_utterance(audio, RATE, settings)
    assert utterance is not None
    return utterance


def levels(audio: np.ndarray) -> list[float]:
    return [_level_db(audio[i : i + 320]) for i in range(0, len(audio) - 320, 320)]


def test_a_steady_room_is_told_from_talk_and_from_quiet() -> None:
    fan, talk = pink_noise(30), librivox()
    for start in range(0, 16000 * 24, 16000 * 4):  # three-second stretches, as the end-pointer keeps
        assert is_steady(levels(fan[start : start + 48000]), LIVE.floor_db)
        assert not is_steady(levels(talk[start : start + 48000]), LIVE.floor_db)
    assert not is_steady(levels(np.zeros(48000)), LIVE.floor_db)  # silence: nothing to clean
    hum = (fan[:48000] / 300).astype(np.int16)  # a fan far away: steady, but under the floor
    assert not is_steady(levels(hum), LIVE.floor_db)
    assert not is_steady([-30.0] * 5, LIVE.floor_db)  # too little heard to tell


def test_wiener_takes_a_steady_noise_out_and_keeps_the_answer() -> None:
    answer = say("yes please", Voice("festival", "kal"))
    lead, tail = np.zeros(int(0.3 * RATE)), np.zeros(int(0.4 * RATE))
    clean = np.concatenate([lead, answer, tail])
    noisy = in_room(answer, pink_noise(5), 10.0, 0.3, 0.4).astype(np.float64)
    cleaned = wiener(noisy.astype(np.int16)).astype(np.float64)
    assert len(cleaned) == len(noisy)

    def snr(heard: np.ndarray) -> float:
        return float(10 * np.log10(active_power(clean) / np.mean((heard - clean) ** 2)))

    def quieter(part: slice) -> float:
        return float(10 * np.log10(np.mean(noisy[part] ** 2) / np.mean(cleaned[part] ** 2)))

    gain = snr(cleaned) - snr(noisy)
    assert gain >= 5.0, gain  # 10 dB over the noise before, 17 after when written
    # The room alone, before and after the answer: 18 and 10 dB quieter when written (the first 100 ms less:
    # the filter starts out trusting what it hears).
    assert quieter(slice(1600, len(lead))) >= 12.0
    assert quieter(slice(len(clean) - len(tail), len(clean))) >= 6.0
    assert wiener(np.zeros(100, dtype=np.int16)).shape == (100,)  # too short to clean: as it was


def test_the_kiosk_cleans_only_an_answer_said_over_a_steady_noise() -> None:
    answer = say("not sure", Voice("festival", "slt"))
    over_fan = in_room(answer, pink_noise(10), 10.0)
    cleaned, raw = cut(over_fan), cut(over_fan, UNCLEANED)
    assert len(cleaned) == len(raw)
    assert np.mean(cleaned[:1600].astype(np.float64) ** 2) < np.mean(raw[:1600].astype(np.float64) ** 2) / 5
    over_talk = in_room(answer, librivox(), 10.0)
    assert np.array_equal(cut(over_talk), cut(over_talk, UNCLEANED))
    in_quiet = in_room(answer, np.zeros(1), 100.0)
    assert np.array_equal(cut(in_quiet), cut(in_quiet, UNCLEANED))


def test_pocketsphinx_hears_more_answers_over_a_fan_once_they_are_cleaned(
    pocketsphinx: PocketSphinxRecognizer,
) -> None:
    from kiosk.core.loader import load_language
    from kiosk.voice.understand import Bar, understand

    pack = load_language(ROOT / "content" / "en")
    intents = {i: pack.intents[i] for i in ("yes", "no", "unsure", "repeat", "back", "restart", "help", "stop")}
    answers = [
        ("yes please", "yes", "kal"),
        ("not really", "no", "slt"),
        ("i don't know", "unsure", "ked"),
        ("say that again", "repeat", "kal"),
        ("go back", "back", "slt"),
        ("call staff", "help", "ked"),
        ("that's right", "yes", "slt"),
        ("no thanks", "no", "kal"),
        ("maybe", "unsure", "slt"),
        ("i need help", "help", "kal"),
    ]
    fan = pink_noise(30)
    right = {"cleaned": 0, "as heard": 0}
    for k, (text, meant, voice) in enumerate(answers):
        said = in_room(say(text, Voice("festival", voice)), np.roll(fan, -k * 40000), 10.0)
        for name, settings in (("cleaned", LIVE), ("as heard", UNCLEANED)):
            heard = understand(pocketsphinx, cut(said, settings), intents, pack.filler, Bar.of(pack))
            if heard.decision is Decision.ACT:
                assert heard.intent == meant, (text, name, heard)  # never the wrong answer
                right[name] += 1
    assert right["cleaned"] >= right["as heard"] + 2, right  # 7 of 10 against 5 when written
