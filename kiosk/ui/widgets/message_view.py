"""The one message of a screen: a title and its text, wrapped and split into pages (never scrolled)."""

from __future__ import annotations

import re
import textwrap

from rich.cells import cell_len
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
        lines = [(line, True) for line in wrap_lines(self._title, width)]
        if self._body:
            lines.append(("", False))
            lines += [(line, False) for line in wrap_lines(self._body, width)]
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


def wrap_lines(text: str, width: int) -> list[str]:
    """Wrap each line of `text` on its own, so an admin's line breaks (lists) are kept; `width` is in cells."""
    return [wrapped for line in text.splitlines() for wrapped in (wrap_cells(line, width) or [""])]


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# A short quoted phrase (a button's words: “慢一点”) and a number with its measure word ("5 级") are kept
# whole; otherwise Chinese may break between any two characters.
_TOKEN = re.compile(f"“[^”\\s]{{1,8}}”|\\d+ ?[{_WIDE}]|\\s+|[{_WIDE}]|[^\\s{_WIDE}]+")
_NO_LINE_START = set("。，、．！？：；）》」』】〉”’…")
"""Chinese punctuation that must not begin a line (it goes with the character before it)."""
_NO_LINE_END = set("（《「『【〈“‘")


def wrap_cells(line: str, width: int) -> list[str]:
    """Lines of at most `width` terminal cells: Chinese (two cells a character) breaks between characters,
    never before a closing mark (。，、？ ...) or after an opening one, nor inside a short quoted phrase or
    between a number and its measure word; other text breaks at spaces.

    Text without wide characters wraps exactly as `textwrap.wrap` does.
    """
    if cell_len(line) == len(line):
        return textwrap.wrap(line, width)
    lines: list[list[str]] = [[]]
    used = 0
    for token in _TOKEN.findall(line):
        size = cell_len(token)
        current = lines[-1]
        if token.isspace():
            if current and used + size < width:
                current.append(" ")
                used += 1
            continue
        if used + size > width and current:
            carried: list[str] = []
            while token in _NO_LINE_START and len(current) > 1:  # the character before goes down with its mark
                carried.insert(0, current.pop())
                if carried[0] not in _NO_LINE_START:
                    break
            while len(current) > 1 and current[-1] in _NO_LINE_END:
                carried.insert(0, current.pop())
            lines.append(carried)
            current = lines[-1]
            used = sum(cell_len(t) for t in current)
        while size > width:  # one word longer than the line: split it
            # At least one character a line, even where one is wider than the line (a 1-cell width).
            cut = next((i for i in range(len(token), 0, -1) if cell_len(token[:i]) <= width - used), 1)
            current.append(token[:cut])
            token, size = token[cut:], cell_len(token[cut:])
            lines.append([])
            current, used = lines[-1], 0
        current.append(token)
        used += size
    return ["".join(words).rstrip() for words in lines if words]
