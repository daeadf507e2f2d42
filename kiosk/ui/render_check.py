"""The check renders what it approves: every screen of every language, drawn by the real kiosk app, headless,
at the smallest supported panel (40x12) and at 80x24, before content goes live.

The journeys of kiosk.core.tours meet each answer of each question, every tip page, the front desk and the
goodbye; each pack also opens help, the sound panel and the idle warning, and switches language. After
every step the screen must have been drawn without an error and must show the content's own words: the
message's title where the message begins, each button's label on the button. A screen that does not is a
problem at the file, line and column of the text, like any other.

It runs in a process of its own (`python -m kiosk.ui.render_check DIR`), so a rendering fault can never
take down the kiosk that asked, and the kiosk's screen goes on while it runs.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.core import snapshot
from kiosk.core.flow import Kind
from kiosk.core.loader import load_snapshot
from kiosk.core.model import Content
from kiosk.core.problems import InvalidFiles, Problem
from kiosk.core.tours import Journey, journeys
from kiosk.speaking.base import SilentSpeaker
from kiosk.station.settings import Settings
from kiosk.ui.app import KioskApp
from kiosk.ui.widgets import MessageView

SIZES = ((40, 12), (80, 24))
TIMEOUT_SECONDS = 600
_FRAME = re.compile(r"[\u2500-\u259f]")
_SEARCH_ORDER = ("screens.yaml", "questions.yaml", "advice.yaml", "language.yaml", "intents.yaml")


class _QuietSpeaker(SilentSpeaker):
    """Says nothing, but counts as a speaker: the sound panel's button and screen are drawn too."""

    available = True


class Clock:
    """A clock the walk moves on by hand (the idle warning comes when it says so)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def render_problems(snap: snapshot.Snapshot, packs: dict[str, Content]) -> list[Problem]:
    """Render the content read in `snap`, one process per language side by side; their problems (none:
    every screen drew)."""
    with tempfile.TemporaryDirectory(prefix="alt-kiosk-render-") as work:
        folder = Path(work) / "content"
        snap.write(folder)
        codes = list(packs)
        runs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kiosk.ui.render_check",
                    str(folder),
                    "--display",
                    snap.display,
                    "--language",
                    code,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for code in codes
        ]
        return [problem for run in runs for problem in _finish(run, snap.display)]


def _finish(run: subprocess.Popen[str], display: str) -> list[Problem]:
    try:
        out, err = run.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        run.kill()
        run.communicate()
        return [Problem(display, 1, 1, f"rendering the screens took over {TIMEOUT_SECONDS} s")]
    problems = [p for p in map(Problem.parse, out.splitlines()) if p is not None]
    if run.returncode != 0 and not problems:
        last = (err.strip().splitlines() or [f"exit {run.returncode}"])[-1]
        problems = [Problem(display, 1, 1, f"rendering the screens failed: {last}")]
    return problems


async def check_pack(
    packs: dict[str, Content], code: str, size: tuple[int, int], snap: snapshot.Snapshot
) -> list[Problem]:
    """Walk every journey of one language at one size; the problems found (the first per text)."""
    clock = Clock()
    settings = Settings(snap.root, language=code, tap_guard_seconds=0.0, idle_seconds=60, idle_warning_seconds=20)
    app = KioskApp(settings, packs, _QuietSpeaker(), clock=clock)
    found: dict[str, Problem] = {}
    where = f"{size[0]}x{size[1]}"

    def look(step: str) -> None:
        for text, why in _not_shown(app):
            found.setdefault(text, _place(snap, code, text, f"at {where}, {step}: {why}"))

    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            look("the welcome")
            for journey in journeys(packs[code]):
                await _walk(app, pilot, journey, look)
            for intent, step in (("help", "help"), ("sound", "the sound panel")):
                await _act(app, pilot, "restart", "next", intent)
                look(step)
            await _act(app, pilot, "restart", "next")
            clock.now += settings.idle_seconds + 1
            for _ in range(40):  # the idle watch ticks every 0.25 s
                await pilot.pause(0.02)
                if app.idle.screen is not None and app.idle.screen.is_mounted:
                    break
            await pilot.pause(0)
            look("the idle warning")
            if app.idle.screen is None:
                found.setdefault(
                    "idle", _place(snap, code, packs[code].texts["idle_title"].show, f"at {where}: no idle warning")
                )
    except Exception as err:  # a screen that cannot be drawn ends the app: that is the problem
        found.setdefault(
            "crash",
            Problem(
                snap.shown(code if code in snap.packs else ""),
                1,
                1,
                f"at {where}, drawing failed: {type(err).__name__}: {err}",
            ),
        )
    return list(found.values())


async def _walk(app: KioskApp, pilot: Pilot[None], journey: Journey, look: Callable[[str], None]) -> None:
    await _act(app, pilot, "restart", "next")
    for number, intent in enumerate(journey.answers[: None if journey.read_back else journey.shown], 1):
        await _act(app, pilot, intent)
        look(f"question {number} answered {intent!r}")
    while journey.read_back and app.prompt.kind is Kind.READBACK:
        await _act(app, pilot, "next")
        look(f"reading back ({app.prompt.title.show[:30]})")


async def _act(app: KioskApp, pilot: Pilot[None], *intents: str) -> None:
    for intent in intents:
        app.act(intent)
        await pilot.pause(0)  # its events handled, no idle wait


def _not_shown(app: KioskApp) -> list[tuple[str, str]]:
    """(text, why) for each of the content's words the screen should show and does not."""
    rows = [strip.text for strip in app.screen._compositor.render_strips()]
    out = []
    for button in app.screen.query(Button):
        if not button.display or button.disabled or button.region.width == 0:
            continue  # a control that does nothing here shows no label, on purpose
        label = str(button.label)
        drawn = _squeeze(_cells(rows, button.region.x, button.region.right, button.region.y, button.region.bottom))
        if _squeeze(label) not in drawn:
            out.append((label.split(" ", 1)[-1], f"the button {label!r} shows as {drawn!r}"))
    if app.screen is app.journey and app.journey.query_one(MessageView).page == 0:
        view = app.journey.query_one(MessageView).region
        drawn = _squeeze(_cells(rows, view.x, view.right, view.y, view.bottom))
        title = _squeeze(app.prompt.title.show)
        if not (drawn.startswith(title) or title.startswith(drawn)) or not drawn:
            out.append((app.prompt.title.show, f"the title {app.prompt.title.show!r} is not where the message begins"))
    return out


def _cells(rows: list[str], left: int, right: int, top: int, bottom: int) -> str:
    """The characters drawn in a rectangle of cells (a Chinese character takes two)."""
    out = []
    for row in rows[top:bottom]:
        cell = 0
        for char in row:
            if left <= cell < right:
                out.append(char)
            cell += cell_len(char)
    return "".join(out)


def _squeeze(text: str) -> str:
    """`text` without white space and without the box-drawing characters of borders (U+2500-U+259F)."""
    return _FRAME.sub("", "".join(text.split()))


def _place(snap: snapshot.Snapshot, code: str, text: str, message: str) -> Problem:
    """`message` at the file, line and column where `text` is written in the pack (its first line)."""
    folder = code if code in snap.packs else ""
    needle = text.strip().splitlines()[0][:40] if text.strip() else text
    files = snap.packs.get(folder, {})
    for name, data in sorted(files.items(), key=lambda item: _SEARCH_ORDER.index(item[0])):
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if needle and needle in line:
                return Problem(snap.shown(folder, name), number, line.index(needle) + 1, message)
    return Problem(snap.shown(folder, "screens.yaml"), 1, 1, message)


async def check_all(snap: snapshot.Snapshot, language: str | None = None) -> list[Problem]:
    """Every language's screens at every size (only `language`'s, when given)."""
    packs = load_snapshot(snap)
    codes = [language] if language in packs else list(packs)
    problems: list[Problem] = []
    for code in codes:
        for size in SIZES:
            problems += await check_pack(packs, code, size, snap)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description="Render every screen of a content folder (run by the content check).")
    parser.add_argument("dir")
    parser.add_argument("--display", help="the folder's name in messages")
    parser.add_argument("--language", help="only this language's screens (a code the content has)")
    args = parser.parse_args()
    snap = snapshot.read(Path(args.dir), args.display)
    try:
        problems = asyncio.run(check_all(snap, args.language))
    except InvalidFiles as err:
        problems = err.problems
    for problem in problems:
        sys.stdout.write(f"{problem}\n")  # to the process that asked (this process has no screen)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
