"""Kiosk mode: nothing a patient presses leaves or breaks the app."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from kiosk.core.flow import Kind
from tests.support.kiosk_driver import keys, make_app, screen_text

ESCAPES = [
    "ctrl+q",
    "ctrl+c",
    "ctrl+z",
    "ctrl+backslash",
    "ctrl+p",
    "escape",
    "ctrl+d",
    "ctrl+s",
    "ctrl+w",
    "ctrl+l",
    "ctrl+x",
    "ctrl+v",
    "ctrl+a",
    "ctrl+t",
    "ctrl+o",
    "alt+f4",
    "super+q",
    *(f"f{n}" for n in range(1, 13)),
]


@pytest.mark.parametrize("where", ["welcome", "question"])
async def test_every_escape_key_is_inert(where: str) -> None:
    app = make_app(kiosk_mode=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if where == "question":
            await keys(pilot, "1")
        before = screen_text(app), app.session
        for key in ESCAPES:
            await keys(pilot, key)
            assert app.is_running, key
            assert (screen_text(app), app.session) == before, key
        assert app.return_code is None


async def test_outside_kiosk_mode_ctrl_q_quits() -> None:
    app = make_app(kiosk_mode=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_mouse_drag_selects_nothing() -> None:
    app = make_app(kiosk_mode=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.mouse_down(offset=(1, 8))
        await pilot.hover(offset=(60, 10))
        await pilot.mouse_up(offset=(60, 10))
        await pilot.pause()
        assert app.screen.get_selected_text() is None
        assert app.prompt.kind is Kind.WELCOME and app.is_running


async def test_a_rapid_double_tap_answers_once() -> None:
    now = [0.0]  # the kiosk's clock: the taps of a double tap come within 0.35 s however loaded the machine
    app = make_app(kiosk_mode=True, tap_guard_seconds=0.35, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        now[0] += 0.4
        await pilot.click("#slot-1")
        now[0] += 0.1
        await pilot.click("#slot-1")  # the second tap lands on the next screen's first button
        await pilot.pause()
        assert app.prompt.kind is Kind.QUESTION and app.session.answers == {}
        now[0] += 0.4
        await pilot.click("#slot-2")
        now[0] += 0.1
        await pilot.click("#slot-2", times=2)
        await pilot.pause()
        assert app.session.answers == {"warning_signs": "no"}
        assert "Question 2 of 6" in screen_text(app)


async def test_hidden_and_disabled_buttons_cannot_be_pressed() -> None:
    app = make_app(kiosk_mode=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        back = app.screen.query_one("#control-back", Button)
        assert back.disabled
        await keys(pilot, "7", "8", "5", "4")  # back and restart are not on the welcome; slots 4 and 5 are empty
        assert app.prompt.kind is Kind.WELCOME and app.session.history == ()
