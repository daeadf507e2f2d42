"""Turning the words a patient said into an intent, using the content's phrases."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_NOT_WORD = re.compile(r"[^\w']+")


def words(text: str) -> tuple[str, ...]:
    """Lower-case words of `text`, punctuation dropped, apostrophes kept inside words."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    return tuple(w.strip("'") for w in _NOT_WORD.split(text) if w.strip("'"))


# Scripts written without spaces between words: each character is a token when matching phrases, so
# "我不知道" (I don't know) contains the phrase "不知道". Han ideographs, kana.
_UNSPACED = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")


def match_tokens(text: str) -> tuple[str, ...]:
    """The tokens phrases are matched on: `words`, with each character of an unspaced script on its own."""
    return words(_UNSPACED.sub(r" \1 ", text))


def strip_filler(tokens: tuple[str, ...], filler: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """Remove filler words and phrases ("um", "please", "i think") wherever they occur."""
    fillers = sorted(filler, key=len, reverse=True)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for f in fillers:
            if f and tokens[i : i + len(f)] == f:
                i += len(f)
                break
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


@dataclass(frozen=True)
class Match:
    """The intent an utterance was understood as, and how sure that is (0 to 1)."""

    intent: str | None
    confidence: float
    words: tuple[str, ...]


class IntentMatcher:
    """Finds which of the currently valid intents an utterance names.

    Phrases are matched longest first as whole words (in Chinese, characters), so
    "I don't know" is `unsure` even though "I don't" is `no`. Confidence is the share of the
    (non-filler) words covered by phrases; an utterance that names two
    different intents ("yes no") matches none.
    """

    def __init__(self, phrases: Mapping[str, Iterable[str]], filler: Iterable[str] = ()) -> None:
        self._filler = [match_tokens(f) for f in filler]
        self._phrases: list[tuple[tuple[str, ...], str]] = []
        for intent, intent_phrases in phrases.items():
            for phrase in intent_phrases:
                tokens = self.normalise(phrase)
                if tokens:
                    self._phrases.append((tokens, intent))
        self._phrases.sort(key=lambda p: len(p[0]), reverse=True)

    def normalise(self, text: str) -> tuple[str, ...]:
        found = match_tokens(text)
        stripped = strip_filler(found, self._filler)
        # A phrase that is all filler ("please") still means something alone.
        return stripped or found

    @property
    def intents(self) -> frozenset[str]:
        return frozenset(intent for _, intent in self._phrases)

    def match(self, utterance: str, valid: Iterable[str] | None = None) -> Match:
        allowed = None if valid is None else frozenset(valid)
        tokens = self.normalise(utterance)
        if not tokens:
            return Match(None, 0.0, tokens)
        found: set[str] = set()
        covered = 0
        i = 0
        while i < len(tokens):
            for phrase, intent in self._phrases:
                if (allowed is None or intent in allowed) and tokens[i : i + len(phrase)] == phrase:
                    found.add(intent)
                    covered += len(phrase)
                    i += len(phrase)
                    break
            else:
                i += 1
        if len(found) != 1:
            return Match(None, 0.0, tokens)
        return Match(found.pop(), covered / len(tokens), tokens)


def decoys(phrases: Mapping[str, Iterable[str]], valid: Iterable[str]) -> tuple[str, ...]:
    """The phrases of intents not valid now, to put beside the valid ones in a recogniser's grammar.

    A grammar of the valid phrases alone must map every sound to one of them: a patient's "yes" on a
    screen that only takes "next" would come back as "next". With the other answers in the grammar, it
    comes back as "yes", which matches nothing valid and is rejected.
    """
    allowed = set(valid)
    taken = {words(p) for i in allowed for p in phrases.get(i, ())}
    found = {words(p): p for i, ps in phrases.items() if i not in allowed for p in ps}
    return tuple(p for key, p in sorted(found.items()) if key and key not in taken)
