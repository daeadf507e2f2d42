"""The kiosk's own high-contrast colours, and the WCAG contrast ratio that proves them.

Every pair of text colour and background colour the kiosk draws is listed in
`TEXT_PAIRS`; a test checks each reaches 7:1 (WCAG AAA).
"""

from __future__ import annotations

from textual.theme import Theme

BLACK = "#000000"
WHITE = "#ffffff"
YELLOW = "#ffe100"
CYAN = "#00e5ff"
PALE = "#d8d8d8"
NAVY = "#001a33"

TEXT_PAIRS: dict[str, tuple[str, str]] = {
    "screen text": (WHITE, BLACK),
    "secondary text (hints, progress)": (PALE, BLACK),
    "answer button": (BLACK, YELLOW),
    "control button": (WHITE, NAVY),
    "focused button": (BLACK, CYAN),
    "status bar": (BLACK, PALE),
    "idle warning": (BLACK, YELLOW),
}

KIOSK_THEME = Theme(
    name="kiosk-contrast",
    primary=YELLOW,
    secondary=CYAN,
    accent=CYAN,
    foreground=WHITE,
    background=BLACK,
    surface=BLACK,
    panel=NAVY,
    warning=YELLOW,
    error=YELLOW,
    success=CYAN,
    dark=True,
    variables={
        "kiosk-pale": PALE,
        "kiosk-navy": NAVY,
        "kiosk-yellow": YELLOW,
        "kiosk-cyan": CYAN,
        "footer-background": BLACK,
        "block-cursor-background": CYAN,
        "block-cursor-foreground": BLACK,
    },
)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of `#rrggbb`."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours, from 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
