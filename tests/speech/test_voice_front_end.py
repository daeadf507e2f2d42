"""Before the words reach the recogniser: a steady noise told apart from talk and quiet and cleaned out of the
utterance by the Wiener filter where RNNoise is not installed (tests/speech/test_voice_rnnoise.py: where it is), the
words cut close for the engine that wants it; and the short phrases a noise fits by chance, asked about rather
than acted on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from kiosk.hearing import Decision
from kiosk.hearing.denoise import is_steady, wiener
from kiosk.hearing.endpoint import GATED_LEAD_MS, LIVE, Endpointer, EndpointSettings, _level_db
from kiosk.hearing.understand import first_utterance
from tests.support.speech import Voice, in_room, librivox, pink_noise, say, snr_db

if TYPE_CHECKING:
    from kiosk.core.model import Content
    from kiosk.hearing.engines.sphinx import PocketSphinxRecognizer
    from kiosk.hearing.recognizer import Recognized, Recognizer

RATE = 16000
UNCLEANED = EndpointSettings(clean_steady=False)
WIENER = EndpointSettings(rnnoise=False)  # a steady noise cleaned as where RNNoise is not installed
WHOLE = EndpointSettings(clean_steady=False, lead_ms=300, tail_ms=400)  # all the end-pointer kept


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

    def quieter(part: slice) -> float:
        return float(10 * np.log10(np.mean(noisy[part] ** 2) / np.mean(cleaned[part] ** 2)))

    gain = snr_db(clean, cleaned) - snr_db(clean, noisy)
    assert gain >= 5.0, gain  # 10 dB over the noise before, 16.7 after when written
    # The room alone, before and after the answer: 13.7 and 9.9 dB quieter when written (the first 100 ms less:
    # the filter starts out trusting what it hears).
    assert quieter(slice(1600, len(lead))) >= 12.0
    assert quieter(slice(len(clean) - len(tail), len(clean))) >= 6.0
    assert wiener(np.zeros(100, dtype=np.int16)).shape == (100,)  # too short to clean: as it was


def test_without_rnnoise_the_kiosk_cleans_only_an_answer_said_over_a_steady_noise() -> None:
    answer = say("not sure", Voice("festival", "slt"))
    over_fan = in_room(answer, pink_noise(10), 10.0)
    cleaned, raw = cut(over_fan, WIENER), cut(over_fan, WHOLE)  # cleaned, and whole: the filter needs the room
    assert len(cleaned) == len(raw)
    assert np.mean(cleaned[:1600].astype(np.float64) ** 2) < np.mean(raw[:1600].astype(np.float64) ** 2) / 5
    for settings in (WIENER, LIVE):
        over_talk = in_room(answer, librivox(), 10.0)
        assert np.array_equal(cut(over_talk, settings), cut(over_talk, UNCLEANED))
        in_quiet = in_room(answer, np.zeros(1), 100.0)
        assert np.array_equal(cut(in_quiet, settings), cut(in_quiet, UNCLEANED))


def test_pocketsphinx_hears_more_answers_over_a_fan_once_they_are_cleaned(
    pocketsphinx: PocketSphinxRecognizer, english: Content
) -> None:
    from kiosk.hearing.rnnoise import library
    from kiosk.hearing.understand import Bar, settings_for, understand

    pack = english
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
    assert library() is not None  # scripts/setup installs RNNoise: the kiosk's own way is measured
    fan = pink_noise(30)
    ways = {"RNNoise": settings_for(pocketsphinx), "Wiener": WIENER, "as heard": UNCLEANED}
    right, wrong = dict.fromkeys(ways, 0), dict.fromkeys(ways, 0)
    for snr in (10.0, 5.0):
        for k, (text, meant, voice) in enumerate(answers):
            said = in_room(say(text, Voice("festival", voice)), np.roll(fan, -k * 40000), snr)
            for name, settings in ways.items():
                utterance = first_utterance(said, RATE, settings)
                if utterance is None:
                    continue
                heard = understand(pocketsphinx, utterance, intents, pack.filler, Bar.of(pack))
                if heard.decision is Decision.ACT:
                    right[name] += heard.intent == meant
                    wrong[name] += heard.intent != meant
    # Of 20 (10 at 10 dB, 10 at 5 dB), acted on at once: RNNoise 12, Wiener 11, as heard 6; one wrong each for
    # RNNoise and Wiener at 5 dB ("maybe" taken as "i don't"). Before the floor under digital silence
    # (kiosk.hearing.engines.sphinx.with_floor), RNNoise had 14 and none wrong here. The bench (112 answers over a fan at
    # each level, said again when asked; bars 0.65 / 0.55) measures the floor as a gain, 74 -> 78 % at 10 dB and
    # 60 -> 63 % at 5 dB, for one wrong answer in 112 at each level (none without it; the target is 1 %).
    assert right["RNNoise"] >= right["Wiener"] + 1 and right["Wiener"] >= right["as heard"] + 4, right
    assert max(wrong.values()) <= 1, wrong


def test_a_short_phrase_the_noise_fits_by_chance_is_only_asked_about(pocketsphinx: PocketSphinxRecognizer) -> None:
    from kiosk.hearing.engines.sphinx import SHORT_PHONES

    phrases = ["yes", "no", "not sure", "what", "pardon", "again", "say that again", "go back", "help", "call staff"]
    fan = pink_noise(30)

    def heard(text: str, voice: str, stretch: int, snr: float) -> Recognized:
        said = in_room(say(text, Voice("festival", voice)), np.roll(fan, -stretch), snr)
        return pocketsphinx.decode(cut(said, WIENER), phrases)

    # Over a loud fan (5 dB), cleaned by the Wiener filter, "maybe" and "no thanks" come out as "what"
    # (W AH T): weak, whatever the confidence.
    for text, voice, stretch in (("maybe", "slt", 30000), ("no thanks", "kal", 60000)):
        result = heard(text, voice, stretch, 5.0)
        assert (result.text, result.weak) == ("what", True), result
    clear = heard("yes", "kal", 0, 100.0)  # said clearly, a short phrase is as sure as any
    assert (clear.text, clear.weak) == ("yes", False), clear
    assert SHORT_PHONES == 3


def test_a_weak_hearing_is_asked_about_and_acted_on_when_said_again() -> None:
    from kiosk.hearing import Heard, settle
    from kiosk.hearing.understand import Bar, understand
    from tests.support.fakes import ScriptedRecognizer

    intents = {"yes": ("yes",), "repeat": ("what", "say that again")}
    silence = np.zeros(RATE, dtype=np.int16)

    def hear(text: str, weak: bool) -> Heard:
        return understand(ScriptedRecognizer(text, (), 1.0, weak), silence, intents, (), Bar(0.6, 0.35))  # type: ignore[arg-type]

    first = hear("what", True)
    assert (first.decision, first.intent) == (Decision.CONFIRM, "repeat")
    assert settle(first, hear("what", True)).decision is Decision.ACT  # said again: two hearings agree
    assert hear("what", False).decision is Decision.ACT


def test_each_engine_hears_as_much_of_the_room_around_the_words_as_it_wants(
    pocketsphinx: PocketSphinxRecognizer,
) -> None:
    from kiosk.hearing.engines.vosk_engine import VoskRecognizer
    from kiosk.hearing.understand import settings_for

    close = settings_for(pocketsphinx)
    assert (close.lead_ms, close.tail_ms) == (100, 240) and close.clean_steady
    assert VoskRecognizer.margins_ms == (WHOLE.lead_ms, WHOLE.tail_ms)  # Vosk hears all the end-pointer kept
    over_talk = in_room(say("i don't know", Voice("festival", "ked")), librivox(), 10.0)
    words, whole = cut(over_talk, close), cut(over_talk, WHOLE)
    assert len(whole) - len(words) >= 0.2 * RATE  # other people's talk before and after, left out
    start = next(i for i in range(len(whole)) if np.array_equal(whole[i : i + len(words)], words))
    assert start > 0  # the very same samples, from later in the pre-roll


def test_the_listener_cuts_for_the_engine_of_the_language_it_listens_in() -> None:
    from kiosk.hearing.listener import MicListener
    from kiosk.hearing.understand import Bar
    from tests.support.fakes import ScriptedRecognizer

    close, whole = ScriptedRecognizer(""), ScriptedRecognizer("")  # they hear nothing: only margins matter
    whole.margins_ms = (300, 400)
    engines: dict[str, Recognizer] = {"en": close, "ko": whole}  # type: ignore[dict-item]
    listener = MicListener(lambda: engines, {}, {"en": Bar(), "ko": Bar()}, device="no such microphone")
    try:
        listener.recognizers = engines
        for language, margins in (("en", (100, 240)), ("ko", (300, 400)), ("en", (100, 240))):
            listener.listen({"yes": ("yes",)}, language)
            listener._consume(np.zeros(320, dtype=np.int16), 0.0)
            assert (listener._endpointer.s.lead_ms, listener._endpointer.s.tail_ms) == margins
    finally:
        listener.close()


def test_exact_digital_silence_gets_a_faint_floor_before_pocketsphinx() -> None:
    from kiosk.hearing.engines.sphinx import DIGITAL_FLOOR_LSB, with_floor

    said = say("yes", Voice("espeak", "en-us", 140))
    room = np.random.default_rng(1).normal(0, 30, len(said) + 3200).astype(np.int16)
    heard_in_a_room = room + np.pad(said, (1600, 1600))
    assert with_floor(heard_in_a_room) is heard_in_a_room  # a microphone's own hiss: left alone
    gated = np.pad(said, (1600, 1600))  # a noise-gated microphone: exact zeros around the word
    floored = with_floor(gated)
    assert np.array_equal(floored, with_floor(gated))  # the same floor every time: repeatable decisions
    added = floored.astype(np.float64) - gated
    assert abs(np.std(added[:1600]) - DIGITAL_FLOOR_LSB) < 0.5 and floored.dtype == np.int16
    assert 20 * np.log10(np.std(gated) / np.std(added)) > 55  # far under the words


def test_pocketsphinx_hears_answers_in_digital_silence_once_it_has_a_floor(
    pocketsphinx: PocketSphinxRecognizer, english: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.hearing.engines.sphinx

    intents = {i: english.intents[i] for i in ("yes", "no", "unsure", "repeat", "back", "restart", "help", "stop")}
    phrases = [p for ps in intents.values() for p in ps]
    answers = {"yes": "yes", "nope": "no", "maybe": "unsure", "repeat": "repeat", "go back": "back"}
    answers |= {"i need help": "help", "not really": "no", "yes please": "yes"}
    voices = [Voice("espeak", "en-us", 140), Voice("espeak", "en-us+f3", 170)]
    clips = [(np.pad(say(text, voice), (8000, 8000)), text) for text in answers for voice in voices]

    def right() -> int:
        return sum(pocketsphinx.decode(clip, phrases).text == text for clip, text in clips)

    floored = right()
    monkeypatch.setattr(kiosk.hearing.engines.sphinx, "DIGITAL_FLOOR_LSB", 0.0)
    # espeak-ng's words in exact silence (as a noise-gated microphone hears them). When written: of 16,
    # PocketSphinx's first guess was the phrase said for 8 without the floor and 12 with it.
    assert floored >= right() + 3, floored


def test_words_heard_over_the_kiosks_voice_keep_their_soft_first_sound() -> None:
    """Over a prompt, barge-in's gate quietens whatever is 12 dB under the echo it removed (the echo's
    residue, and a patient's soft "s"): the first loud frame is the vowel, and the lead before it is long
    enough for the "s" of "stop" (without it, "stop" over a prompt was rejected as unsure, 4 times in 6)."""
    word = say("stop", Voice("espeak", "en-us+f3", 150)).astype(np.float64)
    hiss = np.random.default_rng(3).normal(0, 20, 2 * RATE + len(word))
    audio = (np.concatenate([np.zeros(RATE), word, np.zeros(RATE)]) + hiss).astype(np.int16)
    judge = audio.copy()
    for at in range(0, len(audio), 320):  # an echo at -15 dBFS: its gate is at -27 dBFS
        if _level_db(audio[at : at + 320]) < -27:
            judge[at : at + 320] = (judge[at : at + 320] * 0.03).astype(np.int16)
    endpointer = Endpointer(LIVE)
    found = endpointer.feed(audio, judge) + endpointer.flush()
    assert len(found) == 1
    onset = next(at for at in range(RATE, len(audio), 320) if _level_db(audio[at : at + 320]) > -45)
    start = audio.tobytes().find(found[0][:160].tobytes()) // 2
    assert 0 < start <= onset < start + 320 * (GATED_LEAD_MS // 20)
