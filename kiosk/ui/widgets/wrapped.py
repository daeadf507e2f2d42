"""Static text that wraps Chinese by its own rules, wherever a line of it can wrap.

Textual folds a line without spaces at any character, so a short Chinese line could begin with 。 or ，
(the sound panel's "音量 5，共 5 级。" left "。" alone on a line). Text with double-width characters is
wrapped here instead, by the message's rules (kiosk.ui.widgets.text_layout.wrap_cells); other text is
left to Textual, exactly as before.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import RenderResult
from textual.geometry import Size
from textual.widgets import Static

from kiosk.ui.widgets.text_layout import wrap_lines


class Wrapped(Static):
    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, markup=False)

    @property
    def _text(self) -> str:
        return str(self.content)

    @property
    def _wide(self) -> bool:
        return cell_len(self._text) != len(self._text)

    def render(self) -> RenderResult:
        if not self._wide:
            return super().render()
        return "\n".join(wrap_lines(self._text, max(self.content_size.width, 1)))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        if not self._wide:
            return super().get_content_width(container, viewport)
        natural = max((cell_len(line) for line in self._text.splitlines()), default=0)
        return min(natural, container.width)  # `width: auto`: the whole line where it fits

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self._wide or not width:
            return super().get_content_height(container, viewport, width)
        return len(wrap_lines(self._text, width))
