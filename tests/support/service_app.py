"""The kiosk app as the service runs it, for Pilot: a content folder it polls, a state folder, a real
notify socket standing in for systemd's, and a configuration file a reload reads."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

from kiosk.station.config import load_settings
from kiosk.station.content_store import ContentStore
from kiosk.station.notify import Notifier
from kiosk.station.settings import Settings
from kiosk.ui.app import KioskApp
from tests.support.fakes import RecordingSpeaker, ScriptedListener
from tests.support.paths import CONTENT


class NotifySocket:
    """A real AF_UNIX datagram socket standing in for systemd's."""

    def __init__(self, folder: Path) -> None:
        self.path = str(folder / "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.setblocking(False)
        self.messages: list[str] = []

    def drain(self) -> list[str]:
        while True:
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                return self.messages


def kiosk(tmp_path: Path, **overrides: object) -> tuple[KioskApp, Path, NotifySocket]:
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(CONTENT, content)
    settings = Settings(content, tap_guard_seconds=0.0, state_dir=tmp_path / "state", **overrides)  # type: ignore[arg-type]
    store = ContentStore(content, settings.state_dir)
    notify = NotifySocket(tmp_path)
    app = KioskApp(
        settings,
        store.load().packs,
        RecordingSpeaker(),
        ScriptedListener(),
        store=store,
        notifier=Notifier(notify.path),
    )
    return app, content, notify


def reloadable(tmp_path: Path, config_text: str, **overrides: object) -> tuple[KioskApp, Path, Path, NotifySocket]:
    """A kiosk whose reload (SIGHUP) reads `config.yaml` in tmp_path, written with `config_text`."""
    config = tmp_path / "config.yaml"
    config.write_text(config_text)
    app, content, notify = kiosk(tmp_path, **overrides)
    app.updates._reload_settings = lambda: load_settings(config, app.settings)
    return app, config, content, notify
