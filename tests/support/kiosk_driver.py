"""Driving the real KioskApp with Textual's Pilot, the way a patient would."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.core.flow import Kind
from kiosk.core.loader import load_all
from kiosk.station.admin_pin import hash_pin
from kiosk.station.settings import Settings
from kiosk.ui.app import KioskApp
from kiosk.ui.widgets import MessageView
from tests.support.fakes import RecordingSpeaker, ScriptedListener
from tests.support.paths import CONTENT

PACKS = load_all(CONTENT)


def make_app(
    content: Path | None = None, voiced: bool = False, clock: Callable[[], float] | None = None, **overrides: Any
) -> KioskApp:
    """The kiosk on the bundled content; `voiced` gives it a recording speaker and listener."""
    settings = replace(Settings(content or CONTENT, tap_guard_seconds=0.0), **overrides)
    packs = load_all(content) if content else PACKS
    extra: dict[str, Any] = {"clock": clock} if clock else {}
    if voiced:
        return KioskApp(settings, packs, RecordingSpeaker(), ScriptedListener(), **extra)
    return KioskApp(settings, packs, **extra)


def screen_text(app: KioskApp) -> str:
    """Exactly the characters on the terminal now, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def columns(row: str, start: int, end: int) -> str:
    """The characters drawn in cells start..end-1 of a row (a Chinese character takes two cells)."""
    out, cell = [], 0
    for char in row:
        if start <= cell < end:
            out.append(char)
        cell += cell_len(char)
    return "".join(out)


def message_rows(app: KioskApp) -> list[str]:
    """The rows of the journey's message as drawn now (title, text and footer), without the margins."""
    region = app.journey.query_one(MessageView).region
    rows = screen_text(app).splitlines()[region.y : region.bottom]
    return [columns(row, region.x, region.right).strip() for row in rows]


async def walk(pilot: Pilot[None], pressed: list[str]) -> None:
    """Press keys as a patient would on any panel: where a small one pages long text, read on first."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    for key in pressed:
        while app.journey.query_one(MessageView).has_more:
            actions = app.journey.answer_actions  # "More" (beside Start and the languages on the welcome)
            await keys(pilot, str(actions.index("more") + 1) if "more" in actions else "1")
        await keys(pilot, key)


SENTENCE_END = tuple(".!?。！？")


def check_tip_pages(pages: list[list[str]], title: str, text: str, disclaimer: str) -> None:
    """The pages of one tip as a patient reads them: the title opens the first page and the disclaimer
    closes the last (once); every page's advice is whole sentences, and the pages together are the tip."""
    squeeze = "".join
    flat = [squeeze(squeeze(row.split()) for row in page) for page in pages]
    title, text, disclaimer = (squeeze(t.split()) for t in (title, text, disclaimer))
    assert flat[0].startswith(title), (title, pages[0])
    flat[0] = flat[0].removeprefix(title)
    assert flat[-1].endswith(disclaimer), (disclaimer, pages[-1])
    flat[-1] = flat[-1].removesuffix(disclaimer)
    assert not any(disclaimer in page for page in flat), pages  # once a tip, not a block on every page
    for page, advice in zip(pages, flat, strict=True):
        if not advice and page is pages[-1] and len(pages) > 1:
            continue  # a last page of the disclaimer alone (only where one sentence is a page itself)
        assert advice.rstrip("”’\"')").endswith(SENTENCE_END), ("a sentence split across pages", page)
    assert squeeze(flat) == text, (text, pages)


async def read_tip(pilot: Pilot[None]) -> list[list[str]]:
    """Every page of the tip on show, turning pages with Next; ends on the tip's last page."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    view = app.journey.query_one(MessageView)
    pages = [message_rows(app)]
    while view.has_more:
        await keys(pilot, "1")
        pages.append(message_rows(app))
    return pages


EVERY_TIP_JOURNEYS = (["1", "2", "1", "1", "1", "1", "1"], ["1", "2", "2", "2", "2", "2", "3"])
"""Start, no warning signs, then yes to every cause; or not sure of hepatitis (its test tip): together
they unlock every tip of the bundled content."""


async def read_every_tip(language: str, size: tuple[int, int]) -> dict[str, list[list[str]]]:
    """Every bundled tip in `language` as a patient reads it at `size` cells: {tip id: its pages' rows},
    in the order they are read (two journeys, each on a fresh kiosk)."""
    read: dict[str, list[list[str]]] = {}
    for pressed in EVERY_TIP_JOURNEYS:
        app = make_app(language=language)
        content = app.packs[language]
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await walk(pilot, [*pressed, "1"])  # the answers, then on past "Your tips"
            while app.prompt.kind is Kind.READBACK:
                tip = next(a for a in content.advice if a.title == app.prompt.title)
                read[tip.id] = await read_tip(pilot)
                await keys(pilot, "1")
    return read


async def tap(pilot: Pilot[None], label: str) -> None:
    """Tap the visible, enabled button whose label ends with `label` (e.g. "Yes", "Start over")."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    matches = [
        b for b in app.screen.query(Button) if b.display and not b.disabled and str(b.label).split(" ", 1)[-1] == label
    ]
    assert matches, f"no button {label!r} on screen:\n{screen_text(app)}"
    await pilot.click(f"#{matches[0].id}")
    await pilot.pause()


async def keys(pilot: Pilot[None], *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await pilot.pause()


def long_advice_content() -> Path:
    """A copy of the bundled content whose first tip is far too long for one screen."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="alt-kiosk-long-")) / "content"
    shutil.copytree(CONTENT, folder)
    advice = folder / "en" / "advice.yaml"
    long_text = " ".join(["Eat light, simple meals with fresh fruit and vegetables."] * 14) + " THE END."
    text = advice.read_text(encoding="utf-8").replace(
        "text: Eat light, simple meals.", f"text: {long_text} Eat light, simple meals.", 1
    )
    advice.write_text(text, encoding="utf-8")
    return folder


STAFF_PIN = "2468"
"""The staff PIN of SCREENS' admin screen."""


@cache
def staff_pin_hash() -> str:
    """STAFF_PIN's hash, computed once a process (scrypt takes about 0.1 s on purpose)."""
    return hash_pin(STAFF_PIN)


# Key presses that reach each kind of screen from the welcome.
SCREENS = {
    "welcome": [],
    "red flag question": ["1"],
    "question": ["1", "2"],
    "readback intro": ["1", *["2"] * 6],
    "tip": ["1", "2", *["1"] * 5, "enter"],
    "goodbye": ["1", *["2"] * 6, *["enter"] * 4],
    "front desk": ["1", "1"],
    "help": ["1", "9"],
    "sound panel": ["1", "5"],
    "staff PIN pad": ["*"] * 5,
    "staff admin screen": [*["*"] * 5, *STAFF_PIN, "enter"],
}

TOURS = [
    ["welcome", "red flag question", "question", "readback intro", "goodbye"],
    ["tip"],
    ["front desk"],
    ["help"],
    ["sound panel"],
    ["staff PIN pad", "staff admin screen"],
]
"""Every screen of SCREENS, in walks where each screen's keys go on from the one before: one app a walk."""


async def tour(pilot: Pilot[None], names: list[str]) -> AsyncIterator[str]:
    """Walk to each screen of `names` in turn (one of TOURS), yielding its name once it is shown."""
    pressed: list[str] = []
    for name in names:
        assert SCREENS[name][: len(pressed)] == pressed, (name, "does not go on from", pressed)
        await walk(pilot, SCREENS[name][len(pressed) :])
        pressed = SCREENS[name]
        yield name
