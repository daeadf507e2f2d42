"""The one message of a screen: a title and its text, wrapped and split into pages (never scrolled)."""

from __future__ import annotations

import textwrap

from rich.text import Text as RichText
from textual.message import Message
from textual.widget import Widget

from kiosk.ui.theme import YELLOW


class MessageView(Widget):
    """Shows a title and body; text too long for the space is split into pages."""

    DEFAULT_CSS = """
    MessageView { height: 1fr; padding: 0 1; }
    """

    class Paged(Message):
        """Posted when the number of pages or the page shown changes."""

        def __init__(self, has_more: bool) -> None:
            self.has_more = has_more
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = ""
        self._body = ""
        self._page = 0
        self._pages: list[list[tuple[str, bool]]] = [[]]

    @property
    def page(self) -> int:
        return self._page

    @property
    def page_count(self) -> int:
        return len(self._pages)

    @property
    def has_more(self) -> bool:
        return self._page < len(self._pages) - 1

    def set_message(self, title: str, body: str) -> None:
        self._title, self._body, self._page = title, body, 0
        self._repage()

    def next_page(self) -> None:
        if self.has_more:
            self._page += 1
            self.refresh()
            self.post_message(self.Paged(self.has_more))

    def on_resize(self) -> None:
        self._repage()

    def _repage(self) -> None:
        width = max(self.content_size.width, 10)
        height = max(self.content_size.height, 1)
        lines = [(line, True) for line in _wrap(self._title, width)]
        if self._body:
            lines.append(("", False))
            lines += [(line, False) for line in _wrap(self._body, width)]
        self._pages = [lines[i : i + height] for i in range(0, len(lines), height)] or [[]]
        self._page = min(self._page, len(self._pages) - 1)
        self.refresh()
        if self.is_mounted:
            self.post_message(self.Paged(self.has_more))

    def render(self) -> RichText:
        text = RichText()
        page = self._pages[self._page]
        for number, (line, is_title) in enumerate(page):
            text.append(line, style=f"bold {YELLOW}" if is_title else "")
            if number < len(page) - 1:
                text.append("\n")
        return text


def _wrap(text: str, width: int) -> list[str]:
    """Wrap each line of `text` on its own, so an admin's line breaks (lists) are kept."""
    return [wrapped for line in text.splitlines() for wrapped in (textwrap.wrap(line, width) or [""])]
