"""The touch panel: its resolution and size, and the font size that makes text large but still fits.

foot (the touch deployment's terminal) draws the kiosk in a grid of character cells; the font size
sets both how big the text is and how many cells the kiosk gets. The kiosk lays out down to 40x12
cells, and text should be at least 28 px tall per row and, where the panel's size is known, 5 mm on
the glass (readable at arm's length by an older patient).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CELL_WIDTH = 18 / (22 * 96 / 72)
CELL_HEIGHT = 35 / (22 * 96 / 72)
"""Cell size per pixel of font size: DejaVu Sans Mono in foot 1.21 at 96 dpi, measured 18x35 px at 22 pt."""
MIN_GRID = (40, 12)
"""The smallest grid the kiosk's layout is tested at (columns, rows)."""
MIN_ROW_PX = 28
MIN_ROW_MM = 5.0
PREFERRED_SIZE = 22
"""Chosen when the panel allows it: 44x13 cells on an 800x480 7-inch panel, 71x22 on 1280x800."""
DRM = Path("/sys/class/drm")


@dataclass(frozen=True)
class Panel:
    width: int
    height: int
    height_mm: int | None = None
    """The panel's visible height, from its EDID, when it reports one."""

    @classmethod
    def parse(cls, text: str) -> Panel:
        """`800x480` or `800x480@86mm` (height on the glass); raises ValueError otherwise."""
        found = re.fullmatch(r"\s*(\d{3,5})x(\d{3,5})(?:@(\d{2,4})mm)?\s*", text)
        if not found:
            raise ValueError(f"{text!r} is not a panel like 800x480 or 800x480@86mm")
        mm = int(found.group(3)) if found.group(3) else None
        return cls(int(found.group(1)), int(found.group(2)), mm)

    def __str__(self) -> str:
        return f"{self.width}x{self.height}" + (f"@{self.height_mm}mm" if self.height_mm else "")


def detect_panel(drm: Path = DRM) -> Panel | None:
    """The first connected display's preferred mode and height (from the kernel's DRM view), if any."""
    for connector in sorted(drm.glob("card*-*")):
        try:
            if (connector / "status").read_text().strip() != "connected":
                continue
            modes = (connector / "modes").read_text().split()
        except OSError:
            continue
        if not modes or not (found := re.fullmatch(r"(\d+)x(\d+)\w*", modes[0])):
            continue
        height_mm = None
        try:
            edid = (connector / "edid").read_bytes()
            if len(edid) >= 23 and edid[22]:
                height_mm = edid[22] * 10  # EDID bytes 21/22: visible size in cm
        except OSError:
            pass
        return Panel(int(found.group(1)), int(found.group(2)), height_mm)
    return None


def grid(panel: Panel, size: int) -> tuple[int, int]:
    """Columns and rows foot gives at this font size."""
    px = size * 96 / 72
    return int(panel.width // round(px * CELL_WIDTH)), int(panel.height // round(px * CELL_HEIGHT))


def font_size(panel: Panel) -> int:
    """The preferred size, raised until rows are tall enough, lowered until the grid fits the layout."""
    smallest = 8
    while _row_px(smallest) < _needed_row_px(panel):
        smallest += 1
    size = max(PREFERRED_SIZE, smallest)
    while size > 8 and (grid(panel, size)[0] < MIN_GRID[0] or grid(panel, size)[1] < MIN_GRID[1]):
        size -= 1
    return size


def _row_px(size: int) -> int:
    return round(size * 96 / 72 * CELL_HEIGHT)


def _needed_row_px(panel: Panel) -> float:
    if panel.height_mm:
        return max(MIN_ROW_PX, MIN_ROW_MM * panel.height / panel.height_mm)
    return MIN_ROW_PX


def foot_config(template: str, size: int) -> str:
    """foot.ini with every font of its font line (the main one, the CJK fallback) at `size`; the rest as is."""
    return re.sub(r"(?m)^font=.*$", lambda line: re.sub(r":size=\d+", f":size={size}", line[0]), template, count=1)
