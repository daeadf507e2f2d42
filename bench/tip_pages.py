"""Pages each tip takes on the tested panels, in every bundled language (the reading target of a 7-inch
panel: at most 2 pages a tip at 44x13 cells, one from 56x17 up).

The real kiosk at each panel's grid (headless, Textual's Pilot), walked through two journeys that
between them unlock every tip. Prints a table: one row per tip, one column per panel and language.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402

from kiosk.core.flow import Kind  # noqa: E402
from kiosk.core.loader import load_all  # noqa: E402
from kiosk.station.settings import Settings  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.ui.widgets import MessageView  # noqa: E402

PANELS = {"800x480": (44, 13), "1024x600": (56, 17), "1280x800": (71, 22)}
"""Each tested panel's grid at the font size the touch unit picks (kiosk.station.panel)."""
JOURNEYS = (["1", "2", "1", "1", "1", "1", "1"], ["1", "2", "2", "2", "2", "2", "3"])
"""Start, no warning signs, then yes to every cause; or not sure of hepatitis (its test tip)."""


async def press(pilot: Pilot[None], app: KioskApp, key: str) -> None:
    """Press `key`, first reading on where a small panel pages a long message (More, or Next)."""
    while app.journey.query_one(MessageView).has_more:
        actions = app.journey.answer_actions
        await pilot.press(str(actions.index("more") + 1) if "more" in actions else "1")
        await pilot.pause()
    await pilot.press(key)
    await pilot.pause()


async def pages_per_tip(language: str, size: tuple[int, int]) -> dict[str, int]:
    packs = load_all(ROOT / "content")
    pages: dict[str, int] = {}
    for journey in JOURNEYS:
        settings = replace(Settings(ROOT / "content", tap_guard_seconds=0.0), language=language)
        app = KioskApp(settings, packs)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for key in [*journey, "1"]:
                await press(pilot, app, key)
            while app.prompt.kind is Kind.READBACK:
                view = app.journey.query_one(MessageView)
                pages[app.prompt.title.show] = view.page_count
                for _ in range(view.page_count):
                    await pilot.press("1")
                    await pilot.pause()
    return pages


def main() -> None:
    languages = list(load_all(ROOT / "content"))
    columns = [(panel, language) for panel in PANELS for language in languages]
    table = {column: asyncio.run(pages_per_tip(column[1], PANELS[column[0]])) for column in columns}
    print("pages per tip | " + " | ".join(f"{panel} {language}" for panel, language in columns))
    for row in range(max(len(t) for t in table.values())):
        cells = []
        for column in columns:
            tip, count = list(table[column].items())[row]
            cells.append(f"{count} {tip}")
        print(f"tip {row + 1} | " + " | ".join(cells))
    print("total pages | " + " | ".join(str(sum(table[c].values())) for c in columns))
    print("most pages a tip | " + " | ".join(str(max(table[c].values())) for c in columns))


if __name__ == "__main__":
    main()
