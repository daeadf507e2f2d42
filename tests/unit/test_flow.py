"""The conversation engine: every transition, and random walks that never break it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.flow import IDLE_TIMEOUT, Conversation, Effect, Kind, Place, Session
from kiosk.core.model import CONTROL_INTENTS, Content

ANSWERS = ("yes", "no", "unsure")
ALL_EVENTS = (*ANSWERS, *CONTROL_INTENTS, IDLE_TIMEOUT, "nonsense")


def answer_all(c: Conversation, first: str, rest: str) -> Session:
    s, _ = c.handle(c.start(), "next")
    s, _ = c.handle(s, first)
    while s.place.kind is Kind.QUESTION:
        s, _ = c.handle(s, rest)
    return s


def test_welcome_starts_at_the_red_flag_question(conversation: Conversation) -> None:
    s = conversation.start()
    p = conversation.prompt(s)
    assert p.kind is Kind.WELCOME and p.answers[0][0] == "next" and p.answers[0][1].show == "Start"
    assert "back" not in p.intents and "restart" not in p.intents
    s, effect = conversation.handle(s, "next")
    assert effect is Effect.SHOW and s.place == Place(Kind.QUESTION, "warning_signs")
    assert conversation.prompt(s).progress is not None
    assert conversation.prompt(s).progress.show == "Question 1 of 6"  # type: ignore[union-attr]


def test_red_flag_yes_or_unsure_goes_to_the_front_desk_and_nowhere_else(conversation: Conversation) -> None:
    for answer in ("yes", "unsure"):
        s, _ = conversation.handle(conversation.start(), "next")
        s, _ = conversation.handle(s, answer)
        p = conversation.prompt(s)
        assert p.kind is Kind.FRONT_DESK and p.answers == ()
        assert p.intents == {"repeat", "stop", "restart"}
        for intent in ("back", "next", "yes", "no", "help"):
            assert conversation.handle(s, intent) == (s, Effect.NOTHING)


def test_answers_unlock_only_their_advice(conversation: Conversation) -> None:
    none = answer_all(conversation, "no", "no")
    assert [a.id for a in conversation.readback(none)] == ["diet", "recheck", "see_doctor"]
    every = answer_all(conversation, "no", "yes")
    assert [a.id for a in conversation.readback(every)] == [
        "alcohol",
        "sleep",
        "fatty_liver",
        "medicines",
        "hepatitis",
        "diet",
        "recheck",
        "see_doctor",
    ]
    unsure = answer_all(conversation, "no", "unsure")
    assert "hepatitis_test" in [a.id for a in conversation.readback(unsure)]
    assert "hepatitis" not in [a.id for a in conversation.readback(unsure)]


def test_readback_pages_then_goodbye_then_welcome(conversation: Conversation) -> None:
    s = answer_all(conversation, "no", "no")
    assert s.place == Place(Kind.READBACK, page=0)
    intro = conversation.prompt(s)
    assert "does not diagnose" in intro.body.show and "doctor will find the cause" in intro.body.show
    titles = []
    while s.place.kind is Kind.READBACK:
        s, effect = conversation.handle(s, "next")
        assert effect is Effect.SHOW
        titles.append(conversation.prompt(s).title.show)
    assert titles == ["Food", "Test again", "See your doctor", "Thank you"]
    assert conversation.prompt(s).progress is None
    s, _ = conversation.handle(s, "restart")
    assert s == Session()


def test_back_undoes_the_last_answer(conversation: Conversation) -> None:
    s, _ = conversation.handle(conversation.start(), "next")
    s, _ = conversation.handle(s, "no")
    s, _ = conversation.handle(s, "yes")  # alcohol: yes
    assert s.answers == {"warning_signs": "no", "alcohol": "yes"}
    s, _ = conversation.handle(s, "back")
    assert s.place == Place(Kind.QUESTION, "alcohol") and s.answers == {"warning_signs": "no"}
    s, _ = conversation.handle(s, "no")
    while s.place.kind is Kind.QUESTION:
        s, _ = conversation.handle(s, "no")
    assert "alcohol" not in [a.id for a in conversation.readback(s)]


def test_back_from_first_readback_page_returns_to_last_question(conversation: Conversation) -> None:
    s = answer_all(conversation, "no", "yes")
    s, _ = conversation.handle(s, "back")
    assert s.place == Place(Kind.QUESTION, "hepatitis")
    assert "hepatitis" not in s.answers


def test_help_then_back_returns_to_the_same_question(conversation: Conversation) -> None:
    s, _ = conversation.handle(conversation.start(), "next")
    s, _ = conversation.handle(s, "no")
    before = s
    s, _ = conversation.handle(s, "help")
    assert conversation.prompt(s).kind is Kind.HELP
    s, _ = conversation.handle(s, "back")
    assert s == before


def test_repeat_stop_and_timeout(conversation: Conversation) -> None:
    s, _ = conversation.handle(conversation.start(), "next")
    assert conversation.handle(s, "repeat") == (s, Effect.SPEAK_AGAIN)
    assert conversation.handle(s, "stop") == (s, Effect.STOP_SPEAKING)
    s, _ = conversation.handle(s, "yes")
    assert conversation.handle(s, IDLE_TIMEOUT) == (Session(), Effect.SHOW)


def test_spoken_form_differs_from_shown_form(conversation: Conversation) -> None:
    p = conversation.prompt(conversation.start())
    assert "ALT" in p.body.show and "A L T" in p.spoken and "ALT" not in p.spoken.replace("A L T", "")


def test_question_prompt_speaks_the_choices(conversation: Conversation) -> None:
    s, _ = conversation.handle(conversation.start(), "next")
    assert conversation.prompt(s).spoken.endswith("Yes. No. Not sure.")


def test_a_question_with_no_next_goes_straight_to_advice(english: Content) -> None:
    from dataclasses import replace

    from kiosk.core.model import Answer

    first = english.questions[1]
    skip = replace(first, answers={**first.answers, "no": Answer("no", (), "advice")})
    c = Conversation(replace(english, questions=(english.questions[0], skip, *english.questions[2:])))
    s, _ = c.handle(c.start(), "next")
    s, _ = c.handle(s, "no")
    s, _ = c.handle(s, "no")
    assert s.place == Place(Kind.READBACK)


# Property-based: random presses never crash, never strand the patient --------------


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALL_EVENTS), max_size=60))
def test_random_events_never_break_the_conversation(conversation: Conversation, events: list[str]) -> None:
    s = conversation.start()
    for event in events:
        prompt = conversation.prompt(s)
        valid = conversation.valid_intents(s.place)
        # Every offered button is something the engine handles.
        assert {i for i, _ in prompt.answers} <= valid and prompt.controls <= valid
        s2, effect = conversation.handle(s, event)
        if event in valid or event == IDLE_TIMEOUT:
            assert effect is not Effect.NOTHING or (event == "back" and not s.history)
        else:
            assert (s2, effect) == (s, Effect.NOTHING)
        s = s2
    # From anywhere, pressing the first offered button (or "restart") ends at goodbye, front desk or welcome.
    for _ in range(40):
        if s.place.kind in (Kind.GOODBYE, Kind.FRONT_DESK, Kind.WELCOME):
            break
        answers = conversation.prompt(s).answers
        s, _ = conversation.handle(s, answers[0][0] if answers else "back")
    assert s.place.kind in (Kind.GOODBYE, Kind.FRONT_DESK, Kind.WELCOME)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ALL_EVENTS), max_size=40))
def test_history_only_holds_places_the_patient_passed(conversation: Conversation, events: list[str]) -> None:
    s = conversation.start()
    for event in events:
        s, _ = conversation.handle(s, event)
        for place, answer in s.history:
            if answer is not None:
                assert place.kind is Kind.QUESTION and place.question
                assert answer in conversation.content.question(place.question).answers
        if s.place.kind is Kind.WELCOME:
            assert s.history == ()
