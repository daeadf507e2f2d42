"""Matching spoken words to intents with the content's phrases."""

from __future__ import annotations

import pytest

from kiosk.core.intents import IntentMatcher, words
from kiosk.core.model import Content


@pytest.fixture(scope="module")
def matcher(english: Content) -> IntentMatcher:
    return IntentMatcher(english.intents, english.filler)


QUESTION = {"yes", "no", "unsure", "repeat", "back", "restart", "help", "stop"}


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("yes", "yes"),
        ("Yeah!", "yes"),
        ("yep", "yes"),
        ("yes please", "yes"),
        ("I do", "yes"),
        ("that's right", "yes"),
        ("That\u2019s right.", "yes"),
        ("correct", "yes"),
        ("no", "no"),
        ("nope", "no"),
        ("no thanks", "no"),
        ("I don't", "no"),
        ("not really", "no"),
        ("never", "no"),
        ("not sure", "unsure"),
        ("I'm not sure", "unsure"),
        ("I don't know", "unsure"),
        ("maybe", "unsure"),
        ("repeat", "repeat"),
        ("say that again", "repeat"),
        ("repeat that", "repeat"),
        ("pardon", "repeat"),
        ("go back", "back"),
        ("back", "back"),
        ("previous", "back"),
        ("start over", "restart"),
        ("start again", "restart"),
        ("help", "help"),
        ("call staff", "help"),
        ("I need help", "help"),
        ("stop", "stop"),
        ("quiet", "stop"),
        ("um yes please", "yes"),
        ("uh, no", "no"),
        ("well I think maybe", "unsure"),
    ],
)
def test_every_required_phrase(matcher: IntentMatcher, said: str, intent: str) -> None:
    assert matcher.match(said, QUESTION).intent == intent


@pytest.mark.parametrize("said", ["next", "continue", "okay"])
def test_next_phrases_only_where_next_is_valid(matcher: IntentMatcher, said: str) -> None:
    assert matcher.match(said, {"next", "repeat"}).intent == "next"
    assert matcher.match(said, QUESTION).intent is None


@pytest.mark.parametrize("said", ["yes no", "what's the weather", "", "um", "banana bread"])
def test_conflicts_and_off_topic_match_nothing(matcher: IntentMatcher, said: str) -> None:
    assert matcher.match(said, QUESTION).intent is None


def test_confidence_is_the_share_of_words_covered(matcher: IntentMatcher) -> None:
    assert matcher.match("yes", QUESTION).confidence == 1.0
    partial = matcher.match("yes I went to the shop", QUESTION)
    assert partial.intent == "yes" and partial.confidence == pytest.approx(1 / 6)


def test_words_normalise_case_unicode_and_punctuation() -> None:
    assert words("  ＹＥＳ, Please!! ") == ("yes", "please")
    assert words("I’m not sure…") == ("i'm", "not", "sure")


def test_decoys_are_the_other_answers_never_a_valid_phrase(english: Content) -> None:
    from kiosk.core.intents import decoys

    readback = decoys(english.intents, {"next", "repeat", "back", "restart", "help", "stop"})
    assert {"yes", "no", "not sure"} <= set(readback)  # a "yes" on a readback page is heard as "yes", then rejected
    assert not {"next", "again", "go back"} & set(readback)
    question = decoys(english.intents, QUESTION)
    assert "continue" in question and "yes" not in question
    # a phrase two intents share is never a decoy for the one that is valid
    shared = decoys({"a": ("go on",), "b": ("go on", "onward")}, {"a"})
    assert shared == ("onward",)
