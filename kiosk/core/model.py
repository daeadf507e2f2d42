"""What a language pack holds once it has been loaded and checked."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

CONTROL_INTENTS = ("repeat", "back", "restart", "help", "next", "stop")
"""Intents that steer the kiosk rather than answer a question."""

FRONT_DESK = "front_desk"
ADVICE = "advice"
"""Special targets an answer's `next` may name besides a question id."""


@dataclass(frozen=True)
class Text:
    """A piece of patient-facing text: what is shown and what is spoken."""

    show: str
    say: str

    @classmethod
    def same(cls, text: str) -> Text:
        return cls(text, text)

    def format(self, **values: object) -> Text:
        return Text(self.show.format(**values), self.say.format(**values))


@dataclass(frozen=True)
class Answer:
    """What one answer to a question does."""

    intent: str
    advice: tuple[str, ...] = ()
    next: str | None = None
    """A question id, `front_desk`, `advice`, or None for the following question."""


@dataclass(frozen=True)
class Question:
    id: str
    text: Text
    answers: dict[str, Answer]
    red_flag: bool = False


@dataclass(frozen=True)
class Advice:
    id: str
    title: Text
    text: Text
    always: bool = False


@dataclass(frozen=True)
class Screen:
    """Fixed wording of one non-question screen."""

    title: Text
    body: Text
    hint: Text | None = None


@dataclass(frozen=True)
class SafetyWords:
    """A language pack's own safety rules (language.yaml `safety`), added to the built-in ones."""

    disclaimer: tuple[str, ...] = ()
    """Phrases, one of which the disclaimer must contain."""
    forbidden: tuple[str, ...] = ()
    """Phrases no patient-facing text may contain."""


@dataclass(frozen=True)
class Content:
    """One checked language pack."""

    code: str
    name: str
    version: str
    voice: str
    min_confidence: float
    questions: tuple[Question, ...]
    advice: tuple[Advice, ...]
    intents: dict[str, tuple[str, ...]]
    filler: tuple[str, ...]
    screens: dict[str, Screen]
    texts: dict[str, Text]
    buttons: dict[str, Text]
    still_here: tuple[str, ...] = field(default=())
    confirm_confidence: float = 1.0
    """Below `min_confidence`, at or over this: ask the patient to confirm (1.0 or more: never)."""
    safety: SafetyWords | None = None

    @property
    def wide_script(self) -> bool:
        """Written in a script of double-width characters (Chinese): the Linux console cannot draw it."""
        sample = self.name + self.screens["welcome"].title.show if "welcome" in self.screens else self.name
        return any(unicodedata.east_asian_width(ch) in "WF" for ch in sample)

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)
