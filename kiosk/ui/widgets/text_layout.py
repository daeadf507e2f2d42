"""Laying text out in terminal cells: wrapping (Chinese by its own rules) and splitting a message into
pages that never cut a sentence in two.

Pure functions of text and size (no widgets), so the page rules can be tested for every tip at every
panel size without drawing anything.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from enum import Enum
from itertools import groupby, pairwise

from rich.cells import cell_len


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


# Pages ------------------------------------------------------------------------------------------------


class Role(Enum):
    TITLE = "title"
    BODY = "body"
    FOOTER = "footer"
    """A closing line kept with the message's last sentence (on a tip: the disclaimer)."""


@dataclass(frozen=True)
class Line:
    text: str
    role: Role


@dataclass(frozen=True)
class _Unit:
    """What a page break may not cut: the title, one sentence of a body paragraph, or the footer."""

    role: Role
    text: str
    paragraph: int = 0


_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|[。！？][”’」』）]*\s*")
"""Where a sentence ends: English . ! ? before a space (so "1.5" and "ALT." at the end stay whole), or
Chinese 。！？ (with any closing quote after it)."""


def sentences(paragraph: str) -> list[str]:
    """The sentences of one line of text, each with the spacing that followed it (so joining them back
    gives the line again: English keeps its spaces, Chinese has none)."""
    cuts = sorted({0, *(m.end() for m in _SENTENCE_END.finditer(paragraph)), len(paragraph)})
    return [paragraph[a:b] for a, b in pairwise(cuts) if paragraph[a:b].strip()]


def paginate(title: str, body: str, footer: str, width: int, height: int) -> list[list[Line]]:
    """`title`, `body` and `footer` as pages of at most `height` lines of `width` cells.

    A page break falls only between sentences (or between an admin's lines): each page holds as many
    whole sentences as fit. The title opens the first page and the footer closes the last. Only a single
    sentence taller than a page is cut between its lines, since nothing else can show it.
    """
    units = [_Unit(Role.TITLE, title)] if title else []
    for number, paragraph in enumerate(body.splitlines()):
        units += [_Unit(Role.BODY, s, number) for s in sentences(paragraph)] or [_Unit(Role.BODY, "", number)]
    if footer:
        units.append(_Unit(Role.FOOTER, footer))
    spaced = _pages(units, width, height, spacing=True)
    if len(spaced) == 1:
        return spaced
    # Blank lines between title, text and footer only where they cost no page (a small panel).
    packed = _pages(units, width, height, spacing=False)
    return spaced if len(spaced) <= len(packed) else packed


def _pages(units: list[_Unit], width: int, height: int, spacing: bool) -> list[list[Line]]:
    pages: list[list[_Unit]] = [[]]
    for unit in units:
        if pages[-1] and len(_lines(pages[-1] + [unit], width, spacing)) > height:
            pages.append([])
        pages[-1].append(unit)
    if len(pages) > 1 and [u.role for u in pages[-1]] == [Role.FOOTER] and len(pages[-2]) > 1:
        # Not a page of the footer alone (a tap that shows no advice): the last sentence comes with it.
        moved = [pages[-2][-1], *pages[-1]]
        if pages[-2][-1].role is Role.BODY and len(_lines(moved, width, spacing)) <= height:
            pages[-2:] = [pages[-2][:-1], moved]
    laid = [_lines(page, width, spacing) for page in pages]
    return [lines[i : i + height] for lines in laid for i in range(0, max(len(lines), 1), height)]


def _lines(units: list[_Unit], width: int, spacing: bool) -> list[Line]:
    """One page's lines: the sentences of one paragraph wrapped together, as the admin wrote them; with
    `spacing`, a blank line between the title, the body and the footer."""
    lines: list[Line] = []
    role: Role | None = None
    for (next_role, _), group in groupby(units, key=lambda unit: (unit.role, unit.paragraph)):
        if spacing and lines and next_role is not role:
            lines.append(Line("", Role.BODY))
        role = next_role
        text = "".join(unit.text for unit in group).strip()
        lines += [Line(line, role) for line in wrap_lines(text, width) or [""]]
    return lines
