"""The voice `make_speaker` picks for each language, as the staff status line names it. Parameters:
content, cache."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.loader import load_all
from kiosk.hearing import SilentListener
from kiosk.station.settings import Settings
from kiosk.ui.launch import close_voice, make_speaker
from tests.support.programs import params, reply


def main() -> None:
    p = params()
    settings = Settings(Path(p["content"]), cache_dir=Path(p["cache"]))
    speaker = make_speaker(settings, load_all(settings.content_dir))
    reply(en=speaker.voice_of("en"), zh=speaker.voice_of("zh"))
    close_voice(speaker, SilentListener())


if __name__ == "__main__":
    main()
