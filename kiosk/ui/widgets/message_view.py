"""The one message of a screen: a title, its text and a closing line, split into pages (never scrolled)."""

from __future__ import annotations

from rich.text import Text as RichText
from textual.message import Message
from textual.widget import Widget

from kiosk.ui.theme import PALE, YELLOW
from kiosk.ui.widgets.text_layout import Line, Role, paginate

STYLES = {Role.TITLE: f"bold {YELLOW}", Role.BODY: "", Role.FOOTER: PALE}


class MessageView(Widget):
    """Shows a title, body and footer; text too long for the space is split into pages between sentences
    (kiosk.ui.widgets.text_layout.paginate)."""

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
        self._message = ("", "", "")
        self._page = 0
        self._pages: list[list[Line]] = [[]]

    @property
    def page(self) -> int:
        return self._page

    @property
    def page_count(self) -> int:
        return len(self._pages)

    @property
    def has_more(self) -> bool:
        return self._page < len(self._pages) - 1

    @property
    def lines(self) -> list[Line]:
        """The lines of the page on show."""
        return self._pages[self._page]

    def set_message(self, title: str, body: str, footer: str = "") -> None:
        """Show a new message from its first page; `footer` closes its last page (a tip's disclaimer)."""
        self._message, self._page = (title, body, footer), 0
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
        self._pages = paginate(*self._message, width, height) or [[]]
        self._page = min(self._page, len(self._pages) - 1)
        self.refresh()
        if self.is_mounted:
            self.post_message(self.Paged(self.has_more))

    def render(self) -> RichText:
        return RichText("\n").join(RichText(line.text, style=STYLES[line.role]) for line in self.lines)
