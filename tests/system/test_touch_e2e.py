"""Touch, end to end, on the stack kiosks run: Debian 13, cage, foot, the installed unit, real taps.

A patient's whole journey by touch at three panel sizes, screenshots of every step kept in
test-artifacts/touch/ for a person to look at. Where a button is comes from a twin of the kiosk (the
same app, headless, at the grid the real one reports), so every tap aims where a finger would.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.station.admin_pin import hash_pin
from kiosk.station.panel import CELL_HEIGHT, CELL_WIDTH, Panel, font_size, grid
from kiosk.ui.app import KioskApp
from tests.support.kiosk_driver import check_tip_pages, make_app, message_rows, screen_text
from tests.support.paths import ROOT
from tests.support.touch_stack import TouchKiosk

pytestmark = pytest.mark.slow
ARTIFACTS = ROOT / "test-artifacts" / "touch"
PANELS = [(800, 480), (1024, 600), (1280, 800)]
PIN = "2468"
READ_SECONDS = 0.6
"""A patient reads a new screen before tapping (the kiosk ignores taps in its first 0.35 s: a double tap)."""
MOST_PAGES = {(800, 480): 2, (1024, 600): 1, (1280, 800): 1}
"""Pages a tip may take on each panel (a 7-inch 800x480 panel gives 44x13 cells)."""


class Journey:
    """The real kiosk on the touch stack and its headless twin, tapped in step."""

    def __init__(self, kiosk: TouchKiosk, twin: Pilot[None], panel: tuple[int, int], suffix: str = "") -> None:
        self.kiosk, self.twin, self.panel = kiosk, twin, panel
        size = font_size(Panel(*panel))
        self.cell = (round(size * 96 / 72 * CELL_WIDTH), round(size * 96 / 72 * CELL_HEIGHT))
        self.folder = ARTIFACTS / f"{panel[0]}x{panel[1]}{suffix}"
        shutil.rmtree(self.folder, ignore_errors=True)  # this run's pictures only
        self.step = 0

    @property
    def app(self) -> KioskApp:
        assert isinstance(self.twin.app, KioskApp)
        return self.twin.app

    def kind(self) -> str:
        """The kind of screen the twin (and so the kiosk) is on."""
        return self.app.prompt.kind.value

    def where(self, label: str) -> tuple[Button, float, float]:
        """The button whose label ends with `label`, and the pixel at its centre."""
        shown = [b for b in self.app.screen.query(Button) if b.display and not b.disabled]
        matches = [b for b in shown if " ".join(str(b.label).split()).split(" ", 1)[-1] == label]
        assert matches, f"no button {label!r} on the twin's screen:\n{screen_text(self.app)}"
        region = matches[0].region
        return matches[0], (region.x + region.width / 2) * self.cell[0], (region.y + region.height / 2) * self.cell[1]

    def shot(self, name: str) -> None:
        self.step += 1
        self.kiosk.screenshot(self.folder / f"{self.step:02d}-{name}.png")

    async def tap(self, label: str, *, hold: float = 0.05, jitter: float = 0.0) -> None:
        """Tap `label` on the panel; the kiosk must take it once and show what the twin shows."""
        button, x, y = self.where(label)
        time.sleep(READ_SECONDS)
        before = len(self.kiosk.journal.messages())
        session = self.app.session
        self.kiosk.tap(x, y, hold=hold, jitter=jitter)
        await self.twin.click(f"#{button.id}")
        await self.twin.pause()
        kind = self.app.prompt.kind.value
        if self.app.session != session:  # a new screen: the kiosk logs it
            self.kiosk.journal.wait_for(f"screen {kind}", after=before)
        else:  # the next page of a long text: nothing is logged, the picture changes
            time.sleep(0.5)
        accepted = [m for m in self.kiosk.journal.messages()[before:] if m.startswith("intent accepted (touch)")]
        assert len(accepted) <= 1, accepted
        self.shot(f"{kind}-{label.lower().replace(' ', '-')}")

    def nothing_happens(self, seconds: float = 1.2) -> None:
        before = len(self.kiosk.journal.messages())
        time.sleep(seconds)
        assert [m for m in self.kiosk.journal.messages()[before:] if m.startswith(("intent", "screen"))] == []


async def read_tips(journey: Journey, next_: str = "Next") -> int:
    """Tap through the tips as a patient reads them; every page whole sentences, no tip over the panel's
    page target (kiosk.ui.widgets.text_layout). Returns how many tips were read."""
    app = journey.app
    disclaimer = app.packs[app.language].texts["disclaimer"].show
    tips = 0
    while journey.kind() == "readback":
        if app.prompt.progress is not None:  # a tip (not "Your tips")
            pages = [message_rows(app)]
            while app.journey.query_one("#message").has_more:  # type: ignore[attr-defined]
                await journey.tap(next_)
                pages.append(message_rows(app))
            check_tip_pages(pages, app.prompt.title.show, app.prompt.body.show, disclaimer)
            assert len(pages) <= MOST_PAGES[journey.panel], (app.prompt.title.show, pages)
            tips += 1
        await journey.tap(next_)
    return tips


async def staff_screens(journey: Journey, kiosk: TouchKiosk, panel: tuple[int, int]) -> None:
    """Five taps on the top line open the PIN pad and four do not (each tap counts once); the PIN, tapped
    on the pad, opens the admin screen, every control whole; Close goes back to the patient's screen."""
    before = len(kiosk.journal.messages())
    for _ in range(4):
        kiosk.tap(panel[0] / 2, journey.cell[1] / 2)
        time.sleep(0.6)
    time.sleep(0.5)
    assert "staff PIN pad opened" not in kiosk.journal.messages()[before:]
    kiosk.tap(panel[0] / 2, journey.cell[1] / 2)
    kiosk.journal.wait_for("staff PIN pad opened", after=before)
    for _ in range(5):
        await journey.twin.press("asterisk")  # the twin follows by its keypad gesture
    await journey.twin.pause()
    journey.shot("staff-pin-pad")
    for digit in (*PIN, "OK"):
        await journey.tap(digit)
    kiosk.journal.wait_for("admin screen opened", after=before)
    shown = [b for b in journey.app.screen.query(Button) if b.display]
    assert len(shown) == 6 and all(b.region.bottom <= journey.app.size.height for b in shown), shown
    journey.shot("staff-admin")
    await journey.tap("Close")
    kiosk.journal.wait_for("admin screen closed", after=before)


async def red_flag_and_help(journey: Journey, labels: dict[str, str]) -> None:
    """The help screen and back; a warning sign to the front desk and a fresh start: pictures of each."""
    await read_on(journey, labels["more"], labels["next"])
    await journey.tap(labels["start"])
    await journey.tap(labels["help"])
    assert journey.kind() == "help"
    await journey.tap(labels["back"])
    await read_on(journey, labels["more"], labels["next"])
    await journey.tap(labels["yes"])  # a warning sign
    assert journey.kind() == "front_desk"
    await journey.tap(labels["restart"])
    assert journey.kind() == "welcome"


def first_page_labels(journey: Journey) -> list[str]:
    return [" ".join(str(b.label).split()) for b in journey.app.journey.answer_buttons()]


async def read_on(journey: Journey, more: str = "More", next_: str = "Next") -> None:
    """Where a small panel pages a long text, tap More (or Next) until it is all read."""
    while journey.app.journey.answer_actions == ["more"] or (
        journey.kind() == "readback" and journey.app.journey.query_one("#message").has_more  # type: ignore[attr-defined]
    ):
        await journey.tap(more if journey.app.journey.answer_actions == ["more"] else next_)


ENGLISH = {"more": "More", "next": "Next", "start": "Start", "help": "Call staff", "back": "Back", "yes": "Yes"}
ENGLISH["restart"] = "Start over"
CHINESE = {"more": "更多", "next": "下一个", "start": "开始", "help": "求助", "back": "返回", "yes": "有"}
CHINESE["restart"] = "重新开始"


@pytest.mark.parametrize("panel", PANELS, ids=lambda p: f"{p[0]}x{p[1]}")
async def test_a_whole_journey_by_touch(stack_root: Path, panel: tuple[int, int]) -> None:
    config = (
        "content_dir: /opt/alt-kiosk/src/content\nstate_dir: /home/kiosk/state\nsound: false\n"
        f'speech_engine: {{en: off}}\nadmin_pin_hash: "{hash_pin(PIN)}"\n'
    )
    kiosk = TouchKiosk(stack_root, panel, config)
    try:
        assert f"panel {panel[0]}x{panel[1]}" in kiosk.panel_line
        kiosk.journal.wait_for("screen welcome")
        size = font_size(Panel(*panel))
        grid_line = kiosk.journal.wait_for(f"screen size {panel[0] // round(size * 96 / 72 * CELL_WIDTH)}x")
        columns, rows = (int(n) for n in grid_line.split()[2].split("x"))
        assert (columns, rows) == grid(Panel(*panel), size), grid_line  # as `service foot-config` said
        time.sleep(0.5)
        twin_app = make_app(admin_pin_hash=hash_pin(PIN))  # no tap guard: the twin only follows
        async with twin_app.run_test(size=(columns, rows)) as pilot:
            await pilot.pause()
            journey = Journey(kiosk, pilot, panel)
            journey.shot("welcome")
            assert first_page_labels(journey)[:2] == ["1 Start", "2 中文"]  # on the first page, at every size
            await journey.tap("Start")
            await read_on(journey)
            await journey.tap("No")  # no warning signs
            for answer in ("Yes", "No", "Not sure", "Yes", "No"):
                await read_on(journey)
                await journey.tap(answer)
            assert journey.kind() == "readback"
            assert await read_tips(journey) == 6
            assert journey.kind() == "goodbye"
            await journey.tap("Start over")
            assert journey.kind() == "welcome"
            if panel == PANELS[0]:
                await gestures(journey)
                await red_flag_and_help(journey, ENGLISH)
            await staff_screens(journey, kiosk, panel)
    finally:
        kiosk.close()


async def test_a_chinese_journey_by_touch_is_drawn_with_the_cjk_font(stack_root: Path) -> None:
    """中文 on the real stack: chosen by a tap, answered through to the tips, pictures kept for a reader."""
    panel = PANELS[0]
    config = (
        "content_dir: /opt/alt-kiosk/src/content\nstate_dir: /home/kiosk/state\nsound: false\nlanguages: [en, zh]\n"
    )
    kiosk = TouchKiosk(stack_root, panel, config)
    try:
        kiosk.journal.wait_for("screen welcome")
        grid_line = kiosk.journal.wait_for("screen size ")
        columns, rows = (int(n) for n in grid_line.split()[2].split("x"))
        time.sleep(0.5)
        async with make_app(languages=("en", "zh")).run_test(size=(columns, rows)) as pilot:
            await pilot.pause()
            journey = Journey(kiosk, pilot, panel, "-zh")
            journey.shot("welcome")
            assert first_page_labels(journey)[:2] == ["1 Start", "2 中文"]  # 中文 without an English "More"
            await journey.tap("中文")
            assert journey.app.language == "zh"
            assert first_page_labels(journey)[:2] == ["1 开始", "2 English"]
            await journey.tap("开始")
            await read_on(journey, "更多", "下一个")
            await journey.tap("没有")  # no warning signs
            for answer in ("有", "没有", "不确定", "有", "没有"):
                await read_on(journey, "更多", "下一个")
                await journey.tap(answer)
            assert await read_tips(journey, "下一个") == 6
            assert journey.kind() == "goodbye" and "谢谢您" in screen_text(journey.app)
            await journey.tap("重新开始")
            assert journey.kind() == "welcome" and journey.app.language == "en"  # the next patient starts in English
            await journey.tap("中文")
            await red_flag_and_help(journey, CHINESE)
        pictures = sorted(journey.folder.glob("*.png"))
        assert len(pictures) >= 10 and all(p.stat().st_size > 5000 for p in pictures)
    finally:
        kiosk.close()


async def gestures(journey: Journey) -> None:
    """On one panel: a long press and a shaky tap still press; a drag does not; a double tap answers once."""
    await read_on(journey)
    await journey.tap("Start")
    await read_on(journey)
    await journey.tap("No", hold=1.0)  # a 1 s press
    await journey.tap("Yes", jitter=8.0)  # a finger that moves 8 px
    assert journey.app.session.answers == {"warning_signs": "no", "alcohol": "yes"}
    _, x, y = journey.where("No")
    time.sleep(READ_SECONDS)
    journey.kiosk.drag(x - 20, y, 40, 0)  # a 40 px drag across a button
    journey.nothing_happens()
    button, x, y = journey.where("Not sure")
    before = len(journey.kiosk.journal.messages())
    journey.kiosk.tap(x, y)
    time.sleep(0.08)
    journey.kiosk.tap(x, y)  # the second tap of a quick double tap lands on the next question
    journey.kiosk.journal.wait_for("screen question", after=before)
    time.sleep(1.0)
    accepted = [m for m in journey.kiosk.journal.messages()[before:] if m.startswith("intent accepted (touch)")]
    assert len(accepted) == 1, accepted
    await journey.twin.click(f"#{button.id}")
    await journey.twin.pause()
    journey.shot("after-double-tap")
    await journey.tap("Start over")
