"""Starting the kiosk from the command line: content, voice, then the UI."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable

from kiosk import logs
from kiosk.content_store import ContentStore
from kiosk.core.flow import every_spoken_text
from kiosk.core.model import Content
from kiosk.core.problems import InvalidFiles
from kiosk.notify import Notifier
from kiosk.settings import Settings
from kiosk.voice import SilentSpeaker, Speaker

log = logging.getLogger("kiosk")


def make_speaker(settings: Settings, packs: dict[str, Content]) -> Speaker:
    """The kiosk's voice, with every prompt rendered ahead in the background; silent when muted."""
    if not settings.sound:
        return SilentSpeaker()
    from kiosk.voice.cache import PromptCache
    from kiosk.voice.player import Player
    from kiosk.voice.speaker import VoiceSpeaker

    speaker = VoiceSpeaker(
        {code: pack.voice for code, pack in packs.items()},
        PromptCache(settings.cache_dir),
        player=Player(settings.output_device),
        volume_step=settings.volume_step,
        rate=settings.rate,
    )
    texts = [
        (text, code)
        for code, pack in packs.items()
        for text in every_spoken_text(pack, round(settings.idle_warning_seconds))
    ]

    def prerender() -> None:
        made = speaker.prerender(texts)
        log.info("speech cache ready: %d prompts, %d newly rendered", len(texts), made)

    threading.Thread(target=prerender, name="kiosk-prerender", daemon=True).start()
    return speaker


def run(settings: Settings, reload_settings: Callable[[], Settings] | None = None) -> int:
    """Run the kiosk until SIGTERM (or ctrl+q outside kiosk mode); the exit code for the shell or systemd."""
    store = ContentStore(settings.content_dir, settings.state_dir)
    try:
        state = store.load()
    except InvalidFiles as err:
        print(f"alt-kiosk: content in {settings.content_dir} was refused:", file=sys.stderr)
        print(err, file=sys.stderr)
        return 1
    for problem in state.problems:
        print(f"alt-kiosk: {problem}", file=sys.stderr)
    logs.setup(for_ui=True)
    from kiosk.ui.app import KioskApp

    speaker = make_speaker(settings, state.packs)
    app = KioskApp(
        settings, state.packs, speaker=speaker, store=store, notifier=Notifier(), reload_settings=reload_settings
    )
    app.content_problems = state.problems
    try:
        app.run()
    finally:
        speaker.stop()
        close = getattr(speaker, "close", None)
        if callable(close):
            close()
    return app.return_code or 0
