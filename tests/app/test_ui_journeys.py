"""Whole patient journeys through the bundled content, by tap and by keys, checked on screen."""

from __future__ import annotations

import pytest

from kiosk.core.flow import Kind
from tests.support.kiosk_driver import keys, make_app, screen_text, tap

CAUSES = ["Alcohol", "Sleep and rest", "Fat in the liver", "Your medicines", "Hepatitis B or C"]
EVERYONE = ["Food", "Test again", "See your doctor"]
YES_NO_UNSURE_KEY = {"yes": "1", "no": "2", "unsure": "3"}
LABEL = {"yes": "Yes", "no": "No", "unsure": "Not sure"}


async def journey(answers: list[str], by: str, size: tuple[int, int] = (80, 24)) -> tuple[list[str], str]:
    """Answer the questions, read every tip, and return the tip titles seen and the final screen."""
    app = make_app()
    titles: list[str] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert "Liver test helper" in screen_text(app)
        await (tap(pilot, "Start") if by == "tap" else keys(pilot, "1"))
        for answer in answers:
            assert app.prompt.kind is Kind.QUESTION
            await (tap(pilot, LABEL[answer]) if by == "tap" else keys(pilot, YES_NO_UNSURE_KEY[answer]))
        while app.prompt.kind is Kind.READBACK:
            if app.prompt.progress is not None:
                titles.append(app.prompt.title.show)
                assert app.prompt.title.show in screen_text(app)
            await (tap(pilot, "Next") if by == "tap" else keys(pilot, "enter"))
        return titles, screen_text(app)


@pytest.mark.parametrize("by", ["tap", "keys"])
async def test_all_yes_reads_every_tip(by: str) -> None:
    titles, final = await journey(["no"] + ["yes"] * 5, by)
    assert titles == CAUSES + EVERYONE
    assert "Thank you" in final


@pytest.mark.parametrize("by", ["tap", "keys"])
async def test_all_no_reads_only_the_tips_for_everyone(by: str) -> None:
    titles, final = await journey(["no"] * 6, by)
    assert titles == EVERYONE and "Thank you" in final


async def test_mixed_and_unsure() -> None:
    titles, _ = await journey(["no", "yes", "no", "unsure", "no", "unsure"], "tap")
    assert titles == ["Alcohol", "Fat in the liver", "A test for hepatitis", *EVERYONE]


@pytest.mark.parametrize(("answer", "by"), [("yes", "tap"), ("unsure", "keys")])
async def test_red_flag_goes_to_the_front_desk_and_stops(answer: str, by: str) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1")
        await (tap(pilot, LABEL[answer]) if by == "tap" else keys(pilot, YES_NO_UNSURE_KEY[answer]))
        text = screen_text(app)
        assert "Please tell the front desk now" in text
        assert "Back" not in text and "1 " not in text  # no way on into the questions
        await keys(pilot, "7", "1", "2", "enter")
        assert app.prompt.kind is Kind.FRONT_DESK
        await tap(pilot, "Start over")
        now: Kind = app.prompt.kind  # a fresh name: mypy would keep the narrowing from before the tap
        assert now is Kind.WELCOME and app.session.history == ()


async def test_help_from_a_question_and_back() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1", "2")  # start, no warning signs
        assert "Question 2 of 6" in screen_text(app)
        await tap(pilot, "Call staff")
        assert "Help is on the way" in screen_text(app)
        await keys(pilot, "7")  # Back
        assert "Question 2 of 6" in screen_text(app) and "alcohol" in screen_text(app)


@pytest.mark.parametrize("step", range(1, 7))
async def test_back_at_each_question_returns_to_the_one_before(step: int) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1")
        for _ in range(step - 1):
            await keys(pilot, "2")
        assert f"Question {step} of 6" in screen_text(app)
        await tap(pilot, "Back")
        if step == 1:
            assert app.prompt.kind is Kind.WELCOME
        else:
            assert f"Question {step - 1} of 6" in screen_text(app)
            assert (
                list(app.session.answers)
                == ["warning_signs", "alcohol", "sleep", "fatty_liver", "medicines"][: step - 2]
            )


async def test_back_through_the_tips_and_restart_wipes() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1", "2", "1", "2", "2", "2", "2", "enter")
        assert "Tip 1 of 4" in screen_text(app) and "Alcohol" in screen_text(app)
        await keys(pilot, "7")
        assert "Your tips" in screen_text(app)
        await keys(pilot, "8")
        assert app.prompt.kind is Kind.WELCOME
        assert app.session.answers == {} and app.spoken[-1].startswith("Liver test helper")
        assert len(app.spoken) == 1


async def test_repeat_speaks_again_and_only_repeat() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1")
        before = app.session
        await tap(pilot, "Repeat")
        assert app.session == before
        assert app.spoken[-1] == app.spoken[-2] and "Yellow skin or yellow eyes" in app.spoken[-1]


async def test_focus_moves_with_tab_and_arrows_and_space_presses() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "space")  # Start has focus
        assert app.prompt.kind is Kind.QUESTION and app.focused is not None
        assert str(app.focused.label) == "1 Yes"  # type: ignore[attr-defined]
        await keys(pilot, "tab", "right")
        assert str(app.focused.label) == "3 Not sure"  # type: ignore[attr-defined]
        await keys(pilot, "shift+tab")
        assert str(app.focused.label) == "2 No"  # type: ignore[attr-defined]
        await keys(pilot, "enter")
        assert "Question 2 of 6" in screen_text(app)


async def test_idle_warning_counts_down_then_wipes() -> None:
    now = [0.0]  # the kiosk's clock, moved by the test: the keys take no time however loaded the machine
    app = make_app(idle_seconds=0.3, idle_warning_seconds=1.0, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1", "2", "1")  # some answers given
        assert app.session.answers
        now[0] += 0.6
        await pilot.pause(0.6)
        assert "Are you still there?" in screen_text(app)
        assert "Starting over in" in screen_text(app)
        now[0] += 1.2
        await pilot.pause(0.6)
        assert app.prompt.kind is Kind.WELCOME and app.session.answers == {}
        assert "Are you still there?" not in screen_text(app)


async def test_a_tap_during_the_idle_warning_continues_the_session() -> None:
    now = [0.0]  # the kiosk's clock, moved by the test
    app = make_app(idle_seconds=0.3, idle_warning_seconds=5.0, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1", "2")
        now[0] += 0.6
        await pilot.pause(0.6)
        assert "Are you still there?" in screen_text(app)
        await pilot.click(offset=(5, 5))
        await pilot.pause()
        assert "Are you still there?" not in screen_text(app)
        assert app.session.answers == {"warning_signs": "no"} and "Question 2 of 6" in screen_text(app)


async def test_welcome_never_times_out() -> None:
    app = make_app(idle_seconds=0.2, idle_warning_seconds=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.8)
        assert "Are you still there?" not in screen_text(app)


async def test_goodbye_times_out_to_welcome() -> None:
    now = [0.0]  # the kiosk's clock stands still while the keys are pressed, however loaded the machine
    app = make_app(idle_seconds=0.2, idle_warning_seconds=0.3, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1", "2", "2", "2", "2", "2", "2", *["enter"] * 4)
        assert "Thank you" in screen_text(app)
        now[0] = 10.0
        await pilot.pause(1.0)
        assert app.prompt.kind is Kind.WELCOME
