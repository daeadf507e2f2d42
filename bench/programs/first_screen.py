"""Start the kiosk headless at 80x24 and exit once the welcome has been drawn (bench/startup.py times it).
Arguments: the content folder, then "voice" to choose and start the voices first, as `alt-kiosk run`
does."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from kiosk.core.loader import load_all
from kiosk.hearing import SilentListener
from kiosk.station.settings import Settings
from kiosk.ui.app import KioskApp


class Once(KioskApp):
    """The kiosk, ending right after its first screen is drawn."""

    def show(self, first: bool = False) -> None:
        super().show(first)
        assert "Liver test helper" in self.prompt.title.show
        self.call_after_refresh(self.exit)


def main() -> None:
    settings = Settings(Path(sys.argv[1]), cache_dir=Path(tempfile.mkdtemp()))
    packs = load_all(settings.content_dir)
    if sys.argv[2:] == ["voice"]:
        from kiosk.ui.launch import close_voice, make_speaker

        speaker = make_speaker(
            settings, packs
        )  # voices chosen (Piper where installed); workers start in the background
        Once(settings, packs, speaker=speaker).run(headless=True, size=(80, 24))
        close_voice(speaker, SilentListener())
    else:
        Once(settings, packs).run(headless=True, size=(80, 24))


if __name__ == "__main__":
    main()
