"""The journeys that together meet every screen of a language pack, for the rendering check
(kiosk.ui.render_check): each answer of each reachable question once, and every tip read back.

Few journeys and short ones: a journey answers the questions on the way to its question with the answers
that first reached it, gives its answer, and goes on with each question's first answer that does not end
at the front desk; only journeys that unlock a tip no earlier journey read are read back to the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.flow import Conversation, Kind, Session
from kiosk.core.model import FRONT_DESK, Content


@dataclass(frozen=True)
class Journey:
    answers: tuple[str, ...]
    """The answer intents given, one per question met, in order."""
    read_back: bool
    """Give every answer and read every tip page to the goodbye (False: stop after `shown` answers)."""
    shown: int
    """How many answers meet a screen no earlier journey met (the rest were met before)."""


def journeys(content: Content) -> list[Journey]:
    conversation = Conversation(content)
    found: dict[tuple[str, ...], tuple[int, tuple[str, ...]]] = {}
    for prefix in _prefixes(conversation):
        session = _answer(conversation, prefix)
        question = content.question(session.place.question or "")
        for intent in question.answers:
            whole = _complete(conversation, (*prefix, intent))
            end = _answer(conversation, whole)
            tips = tuple(a.id for a in conversation.readback(end)) if end.place.kind is Kind.READBACK else ()
            found.setdefault(whole, (len(prefix) + 1, tips))
    unread = {a.id for a in content.advice}
    out = []
    for whole, (shown, tips) in found.items():
        new = unread & set(tips)
        unread -= new
        out.append(Journey(whole, bool(new), shown))
    return out


def _prefixes(conversation: Conversation) -> list[tuple[str, ...]]:
    """For each reachable question, the first answers found that reach it (breadth first)."""
    seen: dict[str, tuple[str, ...]] = {}
    todo: list[tuple[str, ...]] = [()]
    while todo:
        prefix = todo.pop(0)
        place = _answer(conversation, prefix).place
        if place.kind is not Kind.QUESTION or place.question is None or place.question in seen:
            continue
        seen[place.question] = prefix
        todo += [(*prefix, intent) for intent in conversation.content.question(place.question).answers]
    return list(seen.values())


def _answer(conversation: Conversation, answers: tuple[str, ...]) -> Session:
    """The session after the welcome and these answers."""
    session, _ = conversation.handle(conversation.start(), "next")
    for intent in answers:
        session, _ = conversation.handle(session, intent)
    return session


def _complete(conversation: Conversation, answers: tuple[str, ...]) -> tuple[str, ...]:
    """`answers`, then each question's first answer that goes on (not to the front desk), to the end."""
    out = list(answers)
    session = _answer(conversation, answers)
    while session.place.kind is Kind.QUESTION and session.place.question is not None:
        question = conversation.content.question(session.place.question)
        onward = [i for i, a in question.answers.items() if a.next != FRONT_DESK]
        intent = onward[0] if onward else next(iter(question.answers))
        out.append(intent)
        session, _ = conversation.handle(session, intent)
    return tuple(out)
