"""Which languages the kiosk offers: the configuration's, in its order, less those this terminal cannot draw."""

from __future__ import annotations

import os

from kiosk.core.model import Content


def console_terminal() -> bool:
    """The Linux console (TERM=linux): 256 glyphs, no double-width ones; Chinese would show as boxes."""
    return os.environ.get("TERM", "") == "linux"


def offer(packs: dict[str, Content], languages: tuple[str, ...], console: bool) -> tuple[dict[str, Content], list[str]]:
    """(the packs to offer, the configured languages left out because the terminal cannot draw them).

    No languages configured offers every pack in the content. If every configured language is undrawable,
    the content's drawable packs stand in (a kiosk that shows boxes helps nobody); if there are none, the
    configured ones stay.
    """
    wanted = [code for code in languages if code in packs]
    chosen = {code: packs[code] for code in wanted} if wanted else dict(packs)
    undrawable = [code for code, pack in chosen.items() if pack.wide_script] if console else []
    if undrawable:
        drawable = {code: pack for code, pack in chosen.items() if code not in undrawable}
        chosen = drawable or {code: pack for code, pack in packs.items() if not pack.wide_script} or chosen
    return chosen, undrawable
