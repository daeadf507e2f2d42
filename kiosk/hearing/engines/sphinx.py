"""PocketSphinx, the zero-download recogniser for English (the wheel ships a US-English model).

A grammar always returns *some* phrase, so every result is verified: a free phone-loop decoder transcribes
the same audio (in its own process, while this one searches the grammar: kiosk.hearing.engines.phone_loop) and its
phones must agree with a dictionary pronunciation of the grammar's answer; or
PocketSphinx's keyword spotter, which weighs the answer against a garbage phone loop, must find the answer
clearly. Noise and off-topic talk pass neither.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping

import numpy as np

from kiosk.core.intents import words
from kiosk.hearing.engines.phone_loop import PhoneLoop, model, run
from kiosk.hearing.recognizer import Recognized, RecognizerUnavailable, grammar_phrases

# Broad classes of the US model's phones. A free phone decoder often hears a sound of the right kind but
# the wrong one (EH for AE, D for T, M for N): such a substitution costs half of an unrelated one.
_PHONE_CLASSES = {
    "vowel": "AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW",
    "stop": "B D G K P T",
    "fricative": "DH F HH S SH TH V Z ZH",
    "affricate": "CH JH",
    "nasal": "M N NG",
    "approximant": "L R W Y",
}
_CLASS_OF = {phone: kind for kind, phones in _PHONE_CLASSES.items() for phone in phones.split()}
KINDRED_SUBSTITUTION = 0.5


def _substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    return KINDRED_SUBSTITUTION if _CLASS_OF.get(a, a) == _CLASS_OF.get(b, b) else 1.0


def edit_distance(a: list[str], b: list[str], substitution: Callable[[str, str], float] = _substitution) -> float:
    """Insertions, deletions and substitutions from `a` to `b`; a substitution costs what `substitution`
    says (by default: phones of a kind cost half; bench/intelligibility.py counts words, each a whole one)."""
    row = [float(j) for j in range(len(b) + 1)]
    for i, x in enumerate(a, 1):
        previous, row[0] = row[:], float(i)
        for j, y in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + substitution(x, y))
    return row[-1]


# Phone agreement maps to confidence from PHONE_FLOOR over PHONE_SPAN: the kiosk acts at the content's
# min_confidence (0.65: agreement 0.43); off-topic talk mostly stays under 0.3. Phrases the phones fit clearly
# better (RIVAL_MARGIN) are returned as rivals: if one means another answer, or is a decoy, the kiosk asks
# again rather than guess (kiosk.hearing.understand). Measurements for every constant: docs/calibration.md.
PHONE_FLOOR = 0.30
PHONE_SPAN = 0.2
RIVAL_MARGIN = 0.1
# A phrase of three sounds or fewer ("what": W AH T, "back": B AE K) agrees with half of what the phone loop
# heard by chance, which alone makes it sure. Such a phrase is acted on only when its sounds agree at
# SHORT_FIT, else asked about (Recognized.weak).
SHORT_PHONES = 3
SHORT_FIT = 0.55
GRAMMAR_LW = 3.0
MIN_SAMPLES = 1600  # 100 ms: nothing shorter is an answer (and PocketSphinx fails on an empty buffer)
# Exact digital silence (a noise-gated microphone; RNNoise's output between words, rounded to int16) has no
# log energy, and PocketSphinx's features and cepstral mean go wrong around it. An utterance with a 10 ms
# frame of it gets a floor of Gaussian noise this loud (σ, in LSB, 70 dB under a normal answer), the same
# every time.
DIGITAL_FLOOR_LSB = 3.0
# The keyword spotter's score per 10 ms frame for the grammar's answer (log base 1.0001; no detection at all:
# -inf) maps to confidence from KEYWORD_FLOOR over KEYWORD_SPAN: an answer passes either this check or the
# phones'.
KEYWORD_FLOOR = -70.0
KEYWORD_SPAN = 50.0


class PocketSphinxRecognizer:
    """Grammar decode, verified by a free phone-loop decode of the same audio.

    Every utterance is normalised on its own: PocketSphinx otherwise starts from the cepstral mean (and
    noise estimate) of the previous utterance, so the same audio decoded differently after a cough (even
    `set_cmn` keeps part of the history). Each pass starts with `reinit_feat`;
    a first pass through a one-word grammar (the mean does not depend on the search; this one costs
    least) measures this utterance's mean; the grammar, the phone loop and the keyword spotter decode
    from it.
    """

    engine = "pocketsphinx"
    # Cut close: the phone loop turns the room around the words into phones that fit no answer, and the
    # grammar takes other people's talk for longer phrases.
    margins_ms = (100, 240)

    def __init__(self) -> None:
        try:
            from pocketsphinx import Decoder
        except ImportError as err:
            raise RecognizerUnavailable(f"pocketsphinx is not installed: {err}") from err
        folder, common = model()
        # The phone loop's own process starts first: it loads its model while this one loads the grammar's.
        self._phones = PhoneLoop()
        dictionary = str(folder / "cmudict-en-us.dict")
        self._pronunciations: dict[str, list[list[str]]] = {}
        with open(dictionary, encoding="utf-8") as f:
            for line in f:
                word, *phones = line.split()
                self._pronunciations.setdefault(word.split("(")[0], []).append(phones)
        # PocketSphinx's own spectral noise subtraction (remove_noise) is on by default in 5.x and cannot be
        # switched off through the Python API (the option reads back True): nothing to set.
        # The language weight scales each word's cost in the grammar; at the default 6.5 a one-word phrase
        # beats a two-word one it should not ("no" for "not sure").
        # The keyword searches share this decoder (and its acoustic model): one more model is 40 MB more.
        self._grammar = Decoder(dict=dictionary, lw=GRAMMAR_LW, kws_threshold=1e-50, **common)
        self._logmath = self._grammar.get_logmath()
        self._grammar.add_jsgf_string("mean", "#JSGF V1.0;\ngrammar mean;\npublic <any> = a;\n")
        self._searches: set[str] = set()
        self._sequences: dict[str, list[list[str]]] = {}

    def missing_words(self, phrases: list[str]) -> list[str]:
        return sorted({w for p in phrases for w in words(p) if w not in self._pronunciations})

    def decode(self, audio: np.ndarray, phrases: list[str], answer_of: Mapping[str, str] | None = None) -> Recognized:
        usable = grammar_phrases(phrases, self.missing_words)
        if not usable or len(audio) < MIN_SAMPLES:
            return Recognized("", 0.0)
        name = "g" + hashlib.sha1("|".join(usable).encode()).hexdigest()[:12]
        if name not in self._searches:
            jsgf = "#JSGF V1.0;\ngrammar answers;\npublic <answer> = " + " | ".join(f"( {p} )" for p in usable) + ";\n"
            self._grammar.add_jsgf_string(name, jsgf)
            self._searches.add(name)
        pcm = with_floor(audio).astype("<i2").tobytes()
        self._grammar.activate_search("mean")
        run(self._grammar, pcm)
        cmn = self._grammar.get_cmn()
        self._phones.start(pcm, cmn)  # on the second core, while this one searches the grammar
        self._grammar.activate_search(name)
        run(self._grammar, pcm, cmn)
        # The words from the segmentation: hyp() would also compute a lattice posterior we do not use (7 ms).
        text = " ".join(
            s.word.split("(")[0]
            for s in self._grammar.seg() or []  # None when nothing was decoded
            if s.word[:1] not in "<[+("  # fillers: <sil>, [NOISE], +NSN+, (NULL)
        )
        # The keyword spotter's score is only needed when the phones alone leave some doubt, nearly always;
        # it runs while the phone loop is still busy, so asking it every time costs no waiting.
        keyword = self._keyword_score(text, pcm, cmn) if text else -math.inf
        heard = self._phones.phones()
        if not text:
            return Recognized("", 0.0)
        fits = {p: phone_agreement(heard, self._expected(p)) for p in self._kin(text, usable, answer_of)}
        bar = fits[text] + RIVAL_MARGIN  # rivals: judged against the phrase picked
        rivals = tuple(p for p in usable if p != text and phone_agreement(heard, self._expected(p), bar) > bar)
        # How sure: by the phrase of the answer that the phones fit best (see _kin).
        best = max(fits, key=fits.__getitem__)  # `text` when none fits better
        fit = fits[best]
        weak = min(len(e) for e in self._expected(best)) <= SHORT_PHONES and fit < SHORT_FIT
        confidence = (fit - PHONE_FLOOR) / PHONE_SPAN
        if confidence < 1.0:
            confidence = max(confidence, (keyword - KEYWORD_FLOOR) / KEYWORD_SPAN)
        return Recognized(text, float(np.clip(confidence, 0.0, 1.0)), rivals, weak)

    @staticmethod
    def _kin(text: str, usable: list[str], answer_of: Mapping[str, str] | None) -> list[str]:
        """`text` and the other phrases of the grammar that give the same answer.

        The grammar often picks another phrase of the right answer ("yep" for "yeah", "nope" for "no"): the
        one it picks is right, but the phones fit the phrase said better. Confidence (and the short-phrase
        check) take the best fit among these phrases; whether another answer fits clearly better (a rival) is
        still judged against the phrase picked (judging rivals against the best fit let off-topic talk
        through: docs/calibration.md).
        """
        gives = answer_of or {}
        answer = gives.get(text)
        if answer is None:
            return [text]
        return [text] + [p for p in usable if p != text and gives.get(p) == answer]

    def _keyword_score(self, phrase: str, pcm: bytes, cmn: str) -> float:
        """The keyword spotter's best score per frame for `phrase` in this audio (-inf: not found)."""
        name = "k" + hashlib.sha1(phrase.encode()).hexdigest()[:12]
        if name not in self._searches:
            self._grammar.add_keyphrase(name, phrase)
            self._searches.add(name)
        self._grammar.activate_search(name)
        run(self._grammar, pcm, cmn)
        spotted = self._grammar.seg() or []
        return max(
            (self._logmath.log(s.prob) / max(1, s.end_frame - s.start_frame) for s in spotted), default=-math.inf
        )

    def _expected(self, phrase: str) -> list[list[str]]:
        """Every phone sequence the dictionary allows for this phrase (alternative pronunciations)."""
        if phrase not in self._sequences:
            sequences: list[list[str]] = [[]]
            for word in phrase.split():
                sequences = [s + p for s in sequences for p in self._pronunciations.get(word, [[]])][:64]
            self._sequences[phrase] = sequences
        return self._sequences[phrase]


def with_floor(audio: np.ndarray, frame: int = 160) -> np.ndarray:
    """`audio`, with the floor of DIGITAL_FLOOR_LSB added if any `frame` of it is exact digital silence."""
    whole = len(audio) // frame * frame
    if not (audio[:whole].reshape(-1, frame) == 0).all(axis=1).any():
        return audio
    floor = np.random.default_rng(0).normal(0.0, DIGITAL_FLOOR_LSB, len(audio))
    return np.clip(audio + floor, -32768, 32767).astype(np.int16)


def phone_agreement(heard: list[str], expected: list[list[str]], above: float = 0.0) -> float:
    """How well the free phone transcription agrees with the phrase's best pronunciation (1 = the same).

    Only agreement over `above` is exact: a pronunciation whose length alone keeps it at or under `above`
    is not compared (the edit distance is at least the difference in length), so 0.0 may come back.
    """
    best = 0.0
    for e in expected or [[]]:
        longest = max(len(heard), len(e), 1)
        if 1 - abs(len(heard) - len(e)) / longest > max(best, above):
            best = max(best, 1 - edit_distance(heard, e) / longest)
    return best
