"""Content checked against a speech model: phrase words the model does not know can never be heard."""

from __future__ import annotations

from kiosk.core.intents import words
from kiosk.core.model import Content
from kiosk.core.problems import Problem
from kiosk.hearing.recognizer import Recognizer


def vocabulary_problems(intents_text: str, display: str, pack: Content, recognizer: Recognizer) -> list[Problem]:
    """One problem per (phrase, unknown word), at the phrase's line and column in intents.yaml (`intents_text`)."""
    lines = intents_text.splitlines()
    problems = []
    for intent, phrases in pack.intents.items():
        for phrase in phrases:
            for word in recognizer.missing_words([phrase]):
                line, column = _find(lines, phrase)
                problems.append(
                    Problem(
                        display,
                        line,
                        column,
                        f"intent {intent!r}: phrase {phrase!r} has the word {word!r}, which the "
                        f"{recognizer.engine} model does not know: it can never be heard",
                    )
                )
    return problems


def _find(lines: list[str], phrase: str) -> tuple[int, int]:
    for number, text in enumerate(lines, 1):
        for quoted in (f'"{phrase}"', f"'{phrase}'", phrase):
            column = text.find(quoted)
            if column >= 0 and words(quoted) == words(phrase):
                return number, column + 1
    return 1, 1
