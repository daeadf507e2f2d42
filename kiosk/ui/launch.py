"""Starting the kiosk from the command line."""

from __future__ import annotations

import sys

from kiosk.core.loader import load_all
from kiosk.core.problems import InvalidFiles
from kiosk.settings import Settings


def run(settings: Settings) -> int:
    try:
        packs = load_all(settings.content_dir)
    except InvalidFiles as err:
        print(f"alt-kiosk: content in {settings.content_dir} was refused:", file=sys.stderr)
        print(err, file=sys.stderr)
        return 1
    from kiosk.ui.app import KioskApp

    KioskApp(settings, packs).run()
    return 0
