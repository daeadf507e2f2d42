"""Big tap targets, everything visible without scrolling, readable colours."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import Button

from kiosk.ui.app import KioskApp
from kiosk.ui.theme import KIOSK_THEME, TEXT_PAIRS, contrast
from kiosk.ui.widgets import MessageView
from tests.support.kiosk_driver import (
    SCREENS,
    TOURS,
    columns,
    keys,
    long_advice_content,
    make_app,
    screen_text,
    staff_pin_hash,
    tour,
    walk,
)

SIZES = [(40, 12), (44, 13), (56, 16), (60, 20), (80, 24), (120, 40)]
"""Small touch panels (800x480 gives about 44x13 cells, 1024x600 56x16) up to a large monitor."""
MODALS = ("sound panel", "staff PIN pad", "staff admin screen")
SHORT_ROWS = 19
"""KioskApp.VERTICAL_BREAKPOINTS: below this many rows the layout is the short panel's."""


def check_targets(app: KioskApp, width: int, height: int) -> None:
    shown = [b for b in app.screen.query(Button) if b.display and not b.disabled]
    assert shown
    drawn = screen_text(app)
    for button in shown:
        region = button.region
        # The fixed controls take 2 rows on a short panel: still 70 px (13 mm) on an 800x480 7-inch panel.
        compact = height < SHORT_ROWS and button.parent is not None and button.parent.id == "controls"
        assert region.height >= (2 if compact else 3) and region.width >= 10, (button.id, region)
        assert region.x >= 0 and region.y >= 0, (button.id, region)
        assert region.right <= width and region.bottom <= height, (button.id, region)
        label = " ".join(str(button.label).split())
        assert label in text_in(drawn, button), (label, drawn)


BOX = "─│┌┐└┘═║╔╗╚╝"


def text_in(drawn: str, button: Button) -> str:
    """The words drawn (the screen's text) inside a button, in reading order (a label may wrap on a small
    panel)."""
    rows = drawn.splitlines()[button.region.y : button.region.bottom]
    drawn = " ".join(columns(row, button.region.x, button.region.right) for row in rows)
    return " ".join(drawn.translate({ord(c): " " for c in BOX}).split())


def test_the_tours_visit_every_screen_once() -> None:
    assert sorted(name for names in TOURS for name in names) == sorted(SCREENS)


def tour_id(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{names[0]} to {names[-1]}"


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screens", TOURS, ids=tour_id)
async def test_every_control_is_a_big_visible_target(size: tuple[int, int], screens: list[str], language: str) -> None:
    """Every screen (SCREENS), in Chinese too: double-width labels whole (no half character at an edge),
    targets as big."""
    app = make_app(voiced=True, admin_pin_hash=staff_pin_hash(), language=language)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        async for screen in tour(pilot, screens):
            check_targets(app, *size)
            if screen == "staff PIN pad":
                shown = [" ".join(str(b.label).split()) for b in app.screen.query(Button) if b.display]
                assert len(shown) >= 12 and shown.count("Cancel") == 1, shown  # 0-9, Del, OK and one Cancel
            if screen == "staff admin screen":
                assert len([b for b in app.screen.query(Button) if b.display]) == 6  # every staff control, whole
            if screen not in MODALS:
                assert columns(app.prompt.title.show.splitlines()[0], 0, 20) in screen_text(app)  # 20 cells


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_first_welcome_page_has_start_and_every_language(size: tuple[int, int], language: str) -> None:
    """A patient who reads Chinese must not have to find an English "More" first; the hint names Start."""
    app = make_app(languages=("en", "zh"), language=language)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        labels = [" ".join(str(b.label).split()) for b in app.journey.answer_buttons()]
        start = app.packs[language].buttons["start"].show
        other = app.packs["zh" if language == "en" else "en"].name
        assert labels[:2] == [f"1 {start}", f"2 {other}"], labels
        check_targets(app, *size)
        assert start in (app.prompt.hint.show if app.prompt.hint else "")


CLOSING = set("。，、．！？：；）》」』】〉”’…")


@pytest.mark.parametrize("size", [(40, 12), (44, 13), (56, 17)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screens", TOURS, ids=tour_id)
async def test_chinese_never_starts_a_line_with_closing_punctuation(size: tuple[int, int], screens: list[str]) -> None:
    """Everywhere text wraps (message, hint, status line, sound panel, buttons): 。and ， stay with their words."""
    app = make_app(voiced=True, admin_pin_hash=staff_pin_hash(), language="zh")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        async for _ in tour(pilot, screens):
            await pilot.pause()
            for row in screen_text(app).splitlines():
                for cell in row.translate({ord(c): " " for c in BOX}).split("  "):
                    words = cell.strip()
                    assert not words or words[0] not in CLOSING, (words, screen_text(app))


@pytest.mark.parametrize("size", [(40, 12), (60, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_long_text_pages_instead_of_scrolling(size: tuple[int, int]) -> None:
    app = make_app(content=long_advice_content())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await walk(pilot, ["1", *["2"] * 6, "enter"])
        view = app.journey.query_one("#message")
        pages = view.page_count  # type: ignore[attr-defined]
        assert pages >= 2
        first = screen_text(app)
        assert "Food" in first and "THE END" not in first
        seen = [first]
        for _ in range(50):
            if not view.has_more:  # type: ignore[attr-defined]
                break
            await keys(pilot, "enter")
            seen.append(screen_text(app))
        assert any("THE END" in " ".join(page.split()) for page in seen)  # a sentence may wrap, never page
        assert all("Tip 1 of 3" in page for page in seen)
        # The disclaimer closes the tip: on its last page, once (not a fixed block on every page).
        assert ["does not diagnose" in " ".join(page.split()) for page in seen] == [False] * (pages - 1) + [True]
        await keys(pilot, "enter")
        assert "Tip 2 of 3" in screen_text(app)


def test_theme_text_contrast_is_at_least_7_to_1() -> None:
    for name, (fg, bg) in TEXT_PAIRS.items():
        assert contrast(fg, bg) >= 7.0, name
    assert contrast(KIOSK_THEME.foreground or "", KIOSK_THEME.background or "") >= 7.0


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#123456", "#123456") == pytest.approx(1.0)


async def test_focus_is_clearly_shown() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1")
        focused = app.focused
        assert isinstance(focused, Button)
        other = app.screen.query_one("#slot-2", Button)
        assert focused.styles.background != other.styles.background
        assert "╔" in screen_text(app)  # the focused button's double border


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_status_line_is_one_row(size: tuple[int, int], language: str) -> None:
    """Progress and voice status on one row at every size: where the whole status does not fit beside the
    progress, "Sound is off." goes first; a long heard phrase is cut, never wrapped onto a second row."""
    from kiosk.hearing import Heard
    from kiosk.ui.widgets import StatusBar

    app = make_app(language=language)  # no speaker, no microphone: the longest status there is
    texts = app.packs[language].texts
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await walk(pilot, ["1", "2"])  # "Question 2 of 6"
        bar = app.journey.query_one(StatusBar)
        assert bar.region.height == 1 and app.journey.query_one(MessageView).region.y == 1
        top = screen_text(app).splitlines()[0]
        whole = f"{texts['status_sound_off'].show}{'' if language == 'zh' else ' '}{texts['status_voice_off'].show}"
        progress = app.prompt.progress.show if app.prompt.progress else ""
        fits = cell_len(progress) + 2 + cell_len(whole) <= size[0] - 2
        assert (f"{progress}  " if fits or size[0] > 40 else "2/6  ") in top, top  # "Question 2 of 6", or "2/6"
        assert (whole if fits else texts["status_voice_off"].show) in top, top  # "Please tap" always whole
        app.voice.heard(Heard(text=" ".join(["something"] * 20), intent=None, confidence=0.0))
        await pilot.pause()
        top = screen_text(app).splitlines()[0]
        assert bar.region.height == 1 and top.rstrip().endswith("...") and "2/6" in top, top
