"""The top line: where the patient is ("Question 2 of 6") and what the voice is doing, on one row."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

GAP = 2
"""Cells between the progress and the voice status."""


class StatusBar(Horizontal):
    """Always one row, so a small panel keeps its rows for the message. Where progress and the whole
    voice status do not fit side by side, shorter forms are shown: first the status without "Sound is
    off.", then the progress as "2/6"; only where even those do not fit is the status cut ("...")."""

    DEFAULT_CSS = """
    StatusBar { height: 1; }
    StatusBar #progress { width: auto; }
    StatusBar #voice { width: 1fr; text-align: right; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._progress: tuple[str, ...] = ("",)
        self._voice: tuple[str, ...] = ("",)

    def compose(self) -> ComposeResult:
        yield Static("", id="progress", markup=False)
        yield Static("", id="voice", markup=False)

    def set_progress(self, text: str, *shorter: str) -> None:
        """Where the patient is ("Question 2 of 6"), and shorter forms of it ("2/6")."""
        self._progress = (text, *shorter)
        self._fit()

    def set_voice(self, text: str, *shorter: str) -> None:
        """The voice status, and shorter forms of it for a narrow panel, longest first."""
        self._voice = (text, *shorter)
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """The longest forms of progress and voice status that fit side by side on one row (the voice
        status gives way first: "Please tap" matters more than the word "Question")."""
        width = self.content_size.width if self.is_mounted else 0
        progress, voice = self._progress[0], self._voice[0]
        if width:  # laid out: fit them (until then, the whole texts; a resize follows)
            pairs = [(p, v) for p in self._progress for v in self._voice]
            progress, voice = next((pair for pair in pairs if _cells(*pair) <= width), pairs[-1])
            room = width - _cells(progress, "")
            if cell_len(voice) > room:
                voice = set_cell_size(voice, max(room - 3, 0)).rstrip() + "..." if room > 3 else ""
        self.query_one("#progress", Static).update(progress)
        self.query_one("#voice", Static).update(voice)


def _cells(progress: str, voice: str) -> int:
    """Cells the two take side by side."""
    return cell_len(progress) + (GAP if progress else 0) + cell_len(voice)
