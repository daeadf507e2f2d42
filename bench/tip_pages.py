"""Pages each tip takes on the tested panels, in every bundled language (the reading target of a 7-inch
panel: at most 2 pages a tip at 44x13 cells, one from 56x17 up).

The real kiosk at each panel's grid (headless, Textual's Pilot), walked through two journeys that
between them unlock every tip. Prints a table: one row per tip, one column per panel and language.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.core.loader import load_all  # noqa: E402
from tests.support.kiosk_driver import read_every_tip  # noqa: E402

PANELS = {"800x480": (44, 13), "1024x600": (56, 17), "1280x800": (71, 22)}
"""Each tested panel's grid at the font size the touch unit picks (kiosk.station.panel)."""


async def pages_per_tip(language: str, size: tuple[int, int]) -> dict[str, int]:
    """{tip title: pages} for every bundled tip, in the order a patient reads them."""
    titles = {tip.id: tip.title.show for tip in load_all(ROOT / "content")[language].advice}
    return {titles[tip_id]: len(pages) for tip_id, pages in (await read_every_tip(language, size)).items()}


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
