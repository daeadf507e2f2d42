"""Walking the conversation with given answers, for admins to proof-read content."""

from __future__ import annotations

from kiosk.core.flow import Conversation, Effect, Kind, Prompt, Session


class PreviewError(ValueError):
    """The answers given do not fit the questions met."""


def walk(conversation: Conversation, answers: list[str] | None = None, answer_all: str | None = None) -> list[Prompt]:
    """Every screen a patient giving these answers meets, from welcome to the last screen.

    Args:
        answers: answers to the questions in the order the patient meets them.
        answer_all: answer "no" to red-flag questions and this to every other question.
    """
    content = conversation.content
    pending = list(answers or [])
    session: Session = conversation.start()
    screens = [conversation.prompt(session)]
    while session.place.kind not in (Kind.GOODBYE, Kind.FRONT_DESK):
        place = session.place
        if place.kind is Kind.QUESTION and place.question:
            question = content.question(place.question)
            if answer_all is not None:
                intent = "no" if question.red_flag and "no" in question.answers else answer_all
            elif pending:
                intent = pending.pop(0)
            else:
                raise PreviewError(f"no answer given for question {question.id!r}")
            if intent not in question.answers:
                raise PreviewError(
                    f"question {question.id!r} has no answer {intent!r} (it takes: {', '.join(question.answers)})"
                )
        else:
            intent = "next"
        session, effect = conversation.handle(session, intent)
        assert effect is Effect.SHOW
        screens.append(conversation.prompt(session))
    if pending:
        raise PreviewError(f"{len(pending)} answer(s) left over: {', '.join(pending)}")
    return screens
