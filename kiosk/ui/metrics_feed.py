"""The running kiosk's metrics (kiosk.station.metrics): what the app is, read off it, and its event counts.

Read every few seconds and at each event; the file is written when what it says changed, or a minute
has passed. Nothing read here is about a patient: not the session's language, screen or answers.
"""

from __future__ import annotations

import time
from typing import Protocol

from kiosk import __version__
from kiosk.core.model import Content
from kiosk.hearing import Listener
from kiosk.speaking import Speaker
from kiosk.station.content_store import language_state
from kiosk.station.metrics import Counters, Language, Station, TextfileWriter
from kiosk.station.settings import Settings
from kiosk.ui.content_updates import ContentUpdates

CHECK_SECONDS = 5.0
"""How often the app's state is read for changes (a changed state reaches the file within this)."""


class FeedHost(Protocol):
    @property
    def settings(self) -> Settings: ...
    @property
    def packs(self) -> dict[str, Content]: ...
    @property
    def speaker(self) -> Speaker: ...
    @property
    def listener(self) -> Listener: ...
    @property
    def updates(self) -> ContentUpdates: ...


class MetricsFeed:
    def __init__(self, host: FeedHost) -> None:
        self.host = host
        self.counters = Counters()
        self.writer = TextfileWriter()
        self.content_live_since = time.time()

    def content_went_live(self) -> None:
        self.content_live_since = time.time()
        self.update()

    def session_started(self) -> None:
        self.counters.sessions_started += 1
        self.update()

    def session_ended(self) -> None:
        self.counters.sessions_ended += 1
        self.update()

    def pin_locked_out(self) -> None:
        self.counters.pin_lockouts += 1
        self.update()

    def update(self) -> None:
        self.writer.update(self.host.settings.metrics_dir, self.station(), self.counters)

    def station(self) -> Station:
        host = self.host
        listener, speaker, updates = host.listener, host.speaker, host.updates
        store = updates.store
        folder = store.source if store is not None else host.settings.content_dir
        microphone = getattr(listener, "fault", "none") is None  # a MicListener whose device is open
        hears = getattr(listener, "recognizers", {})
        languages = {
            code: Language(
                content_version=pack.version,
                content_state=language_state(code, updates.problems, updates.waiting, folder)[0].lower(),
                voice_in=microphone and code in hears,
                voice_out=speaker.voice_of(code) if speaker.available else None,
            )
            for code, pack in host.packs.items()
        }
        barge_in = getattr(listener, "barge_in", None)
        return Station(
            version=__version__,
            languages=languages,
            content_live_since=self.content_live_since,
            sound=speaker.available,
            microphone=microphone,
            barge_in=microphone and barge_in is not None and barge_in.on,
            speech_cache_ready=bool(getattr(speaker, "cache_ready", False)),
            content_signer=updates.signature.signer if updates.signature else "",
            content_signed=updates.signature.signed if updates.signature else "",
        )
