"""Content's words as a label, exactly as written: never read as Textual markup."""

from __future__ import annotations

from textual.content import Content


def literal(text: str) -> Content:
    """`text` to show as typed: "[b]", "[/]", "@click" and "$x" are characters, not markup (a button's
    label given as a plain string is parsed as markup, so a stray "[/]" in content would crash it)."""
    return Content(text)
