"""The conversation: where a patient is, what they see and hear, and what they can say.

Pure and deterministic: a `Session` is an immutable value, `Conversation.handle`
returns the next one. No clock, no I/O, no UI. The UI turns taps and the
speech layer turns words into the same intent names, so both act alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.core.model import ADVICE, FRONT_DESK, Advice, Content, Text

IDLE_TIMEOUT = "idle_timeout"
"""The event the UI sends when nobody has acted for too long."""


class Kind(StrEnum):
    WELCOME = "welcome"
    QUESTION = "question"
    READBACK = "readback"
    GOODBYE = "goodbye"
    FRONT_DESK = "front_desk"
    HELP = "help"


class Effect(StrEnum):
    """What the UI and voice should do after an event."""

    SHOW = "show"
    """A new screen: draw it and speak it."""
    SPEAK_AGAIN = "speak_again"
    STOP_SPEAKING = "stop_speaking"
    NOTHING = "nothing"


@dataclass(frozen=True)
class Place:
    kind: Kind
    question: str | None = None
    page: int = 0
    """Readback page: 0 is the introduction, then one page per tip."""


@dataclass(frozen=True)
class Session:
    """One patient's journey. Restart or idle time-out replaces it with a fresh one."""

    place: Place = Place(Kind.WELCOME)
    history: tuple[tuple[Place, str | None], ...] = ()
    """Earlier places, each with the answer given there (None where it was not a question)."""

    @property
    def answers(self) -> dict[str, str]:
        return {p.question: a for p, a in self.history if p.kind is Kind.QUESTION and p.question and a}


@dataclass(frozen=True)
class Prompt:
    """Everything the UI needs to draw a screen and the voice needs to speak it."""

    kind: Kind
    title: Text
    body: Text
    hint: Text | None
    progress: Text | None
    answers: tuple[tuple[str, Text], ...]
    """Big answer buttons: (intent, label), in order."""
    controls: frozenset[str] = field(default_factory=frozenset)
    """Which of repeat, back, restart and help are available here."""
    intents: frozenset[str] = field(default_factory=frozenset)
    """Every intent valid here, by touch or by voice."""
    step: tuple[int, int] | None = None
    """The progress as (number, total), for its short form ("2/6") where a panel is narrow."""

    @property
    def spoken(self) -> str:
        parts = [self.title.say, self.body.say]
        parts += [label.say for _, label in self.answers if self.kind is Kind.QUESTION]
        return spoken(parts)


def spoken(parts: list[str]) -> str:
    """Join texts into one utterance, each ending as a sentence so the voice pauses between them
    (with a Chinese full stop after Chinese text)."""
    return " ".join(
        p if p[-1] in ".?!。？！" else p + ("。" if _wide(p[-1]) else ".") for p in map(str.strip, parts) if p
    )


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


_ALWAYS = frozenset({"repeat", "stop"})
_NAVIGATE = frozenset({"back", "restart", "help"})


class Conversation:
    """The rules of the journey for one language pack."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._order = [q.id for q in content.questions]

    # What is valid where ---------------------------------------------------------

    def answer_intents(self, place: Place) -> tuple[str, ...]:
        """The big answer buttons' intents on this screen."""
        if place.kind is Kind.QUESTION and place.question:
            return tuple(self.content.question(place.question).answers)
        if place.kind in (Kind.WELCOME, Kind.READBACK):
            return ("next",)
        return ()

    def controls(self, place: Place) -> frozenset[str]:
        if place.kind is Kind.WELCOME:
            return frozenset({"repeat", "help"})
        if place.kind is Kind.FRONT_DESK:
            # After a warning sign, nothing but staff: no way back into the questions.
            return frozenset({"repeat", "restart"})
        if place.kind is Kind.HELP:
            return frozenset({"repeat", "back", "restart"})
        return frozenset({"repeat"}) | _NAVIGATE

    def valid_intents(self, place: Place) -> frozenset[str]:
        extra = {"next"} if place.kind is Kind.GOODBYE else set()
        return frozenset(self.answer_intents(place)) | self.controls(place) | _ALWAYS | extra

    # Moving ------------------------------------------------------------------------

    def start(self) -> Session:
        return Session()

    def handle(self, session: Session, event: str) -> tuple[Session, Effect]:
        """Apply one intent (or IDLE_TIMEOUT); an intent not valid here changes nothing."""
        place = session.place
        if event == IDLE_TIMEOUT:
            return self.start(), Effect.SHOW
        if event not in self.valid_intents(place):
            return session, Effect.NOTHING
        if event == "repeat":
            return session, Effect.SPEAK_AGAIN
        if event == "stop":
            return session, Effect.STOP_SPEAKING
        if event == "restart":
            return self.start(), Effect.SHOW
        if event == "help":
            return self._go(session, Place(Kind.HELP)), Effect.SHOW
        if event == "back":
            if not session.history:
                return session, Effect.NOTHING
            previous, _ = session.history[-1]
            return Session(previous, session.history[:-1]), Effect.SHOW
        if place.kind is Kind.GOODBYE:
            return self.start(), Effect.SHOW
        if place.kind is Kind.WELCOME:
            first = Place(Kind.QUESTION, self._order[0]) if self._order else Place(Kind.READBACK)
            return self._go(session, first), Effect.SHOW
        if place.kind is Kind.READBACK:
            pages = len(self.readback(session)) + 1
            target = Place(Kind.READBACK, page=place.page + 1) if place.page + 1 < pages else Place(Kind.GOODBYE)
            return self._go(session, target), Effect.SHOW
        assert place.kind is Kind.QUESTION and place.question is not None
        return self._go(session, self._after(place.question, event), answer=event), Effect.SHOW

    def _go(self, session: Session, target: Place, answer: str | None = None) -> Session:
        return Session(target, (*session.history, (session.place, answer)))

    def _after(self, question_id: str, intent: str) -> Place:
        answer = self.content.question(question_id).answers[intent]
        target = answer.next
        if target is None:
            index = self._order.index(question_id) + 1
            target = self._order[index] if index < len(self._order) else ADVICE
        if target == FRONT_DESK:
            return Place(Kind.FRONT_DESK)
        if target == ADVICE:
            return Place(Kind.READBACK)
        return Place(Kind.QUESTION, target)

    # What the patient meets --------------------------------------------------------

    def readback(self, session: Session) -> list[Advice]:
        """The tips this patient's answers unlock plus the tips for everyone, in file order."""
        answers = session.answers
        unlocked = {
            advice_id
            for question in self.content.questions
            if question.id in answers
            for advice_id in question.answers[answers[question.id]].advice
        }
        return [a for a in self.content.advice if a.always or a.id in unlocked]

    def prompt(self, session: Session) -> Prompt:
        c = self.content
        place = session.place
        progress: Text | None = None
        step: tuple[int, int] | None = None
        hint: Text | None = None
        if place.kind is Kind.QUESTION and place.question:
            question = c.question(place.question)
            title, body = question.text, Text.same("")
            step = (self._order.index(question.id) + 1, len(self._order))
            progress = c.texts["progress"].format(number=step[0], total=step[1])
        elif place.kind is Kind.READBACK and place.page > 0:
            tips = self.readback(session)
            tip = tips[place.page - 1]
            title, body = tip.title, tip.text
            step = (place.page, len(tips))
            progress = c.texts["advice_progress"].format(number=step[0], total=step[1])
        else:
            screen = c.screens["readback_intro" if place.kind is Kind.READBACK else place.kind.value]
            title, body, hint = screen.title, screen.body, screen.hint
        labels = tuple(
            (intent, c.buttons["start" if place.kind is Kind.WELCOME else intent])
            for intent in self.answer_intents(place)
        )
        controls, valid = self.controls(place), self.valid_intents(place)
        return Prompt(place.kind, title, body, hint, progress, labels, controls, valid, step)


def every_spoken_text(content: Content, idle_seconds: int = 20) -> list[str]:
    """Everything the kiosk can say in this language, for rendering speech ahead of time."""
    conversation = Conversation(content)
    texts = [
        conversation.prompt(Session(Place(kind))).spoken
        for kind in (Kind.WELCOME, Kind.GOODBYE, Kind.FRONT_DESK, Kind.HELP)
    ]
    texts.append(conversation.prompt(Session(Place(Kind.READBACK))).spoken)
    texts += [conversation.prompt(Session(Place(Kind.QUESTION, q.id))).spoken for q in content.questions]
    texts += [spoken([tip.title.say, tip.text.say]) for tip in content.advice]
    t = content.texts
    texts.append(spoken([t["idle_title"].say, t["idle_body"].format(seconds=idle_seconds).say]))
    texts += [spoken([t["not_understood"].say]), spoken([t["try_tapping"].say])]
    if "did_you_mean" in t:
        # What can be guessed: an intent, on its button (the welcome's "next" reads "Start").
        guessable = [label for name, label in content.buttons.items() if name in content.intents or name == "start"]
        texts += [t["did_you_mean"].say.format(answer=label.say) for label in guessable]
    return texts


def spoken_texts(packs: dict[str, Content], idle_seconds: float) -> list[tuple[str, str]]:
    """(text, language) for everything the kiosk can say in every language it offers."""
    return [(text, code) for code, pack in packs.items() for text in every_spoken_text(pack, round(idle_seconds))]


def screen_intent_sets(content: Content) -> Iterator[tuple[str, frozenset[str]]]:
    """Every kind of screen with the intents valid on it (for checking phrase clashes)."""
    conversation = Conversation(content)
    for kind in Kind:
        if kind is Kind.QUESTION:
            for q in content.questions:
                yield f"question {q.id}", conversation.valid_intents(Place(kind, q.id))
        else:
            yield kind.value, conversation.valid_intents(Place(kind))
