"""New content and configuration for a running kiosk: polled, checked, held or applied between patients.

Content goes live only between patients. Refused content (problems) and held content (waiting for
`alt-kiosk content apply`) leave the kiosk on what it serves, and say so in the status line that the
staff screen, `systemctl status` and the journal show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.core.flow import spoken_texts
from kiosk.core.model import Content
from kiosk.core.problems import InvalidFiles, Problem
from kiosk.station.config import language_problems
from kiosk.station.content_store import ContentState, ContentStore
from kiosk.station.settings import Settings

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger("kiosk")

POLL_SECONDS = 2.0


class ContentUpdates:
    def __init__(
        self, app: KioskApp, store: ContentStore | None, reload_settings: Callable[[], Settings] | None
    ) -> None:
        self.app = app
        self.store = store
        self._reload_settings = reload_settings
        self.pending: dict[str, Content] | None = None
        """Accepted content waiting for the next patient."""
        self.problems: list[Problem] = []
        """Why the admin's current files were refused (empty when they are in use)."""
        self.waiting: list[str] = []
        """Why the admin's current (valid) files are held for `alt-kiosk content apply`."""

    def adopt(self, state: ContentState) -> None:
        """What the store said when the kiosk started (problems or waiting content, for the status line)."""
        self.problems, self.waiting = state.problems, state.waiting

    def start(self) -> None:
        if self.store is not None:
            self.app.set_interval(POLL_SECONDS, self.poll)

    def status(self) -> str:
        """What staff should know about the content beyond its version ("" when all is well)."""
        notes = []
        if self.problems:
            notes.append(f" (new content refused: {len(self.problems)} problems, first: {self.problems[0]})")
        if self.waiting:
            notes.append(f" (new content waits for `alt-kiosk content apply`: {'; '.join(self.waiting)})")
        if self.store is not None and self.store.keep_problem:
            notes.append(f" ({self.store.keep_problem})")
        return "".join(notes)

    def poll(self) -> None:
        assert self.store is not None
        self._guarded(self.store.poll)

    def _guarded(self, check: Callable[[], ContentState | None]) -> None:
        """Run a content check; a fault in it is a refusal that staff see, never the kiosk's end."""
        assert self.store is not None
        try:
            state = check()
        except Exception as err:  # the checks read untrusted files: nothing they raise may stop the kiosk
            log.exception("checking content failed")
            why = f"checking the content failed ({type(err).__name__}); serving the last good content"
            state = ContentState({}, [Problem(str(self.store.source), 1, 1, why)])
        if state is not None:
            self.checked(state)

    def checked(self, state: ContentState) -> None:
        app = self.app
        self.problems, self.waiting = state.problems, state.waiting
        if state.problems or state.waiting or not app.offered(state.packs):
            log.error("new content not used; still serving %s", app.status_line())
        else:
            self.pending = state.packs
            log.info("new content accepted (%s); applied between patients", state.version)
            if app.between_patients() and self.apply_pending():
                app.show()
        app.notifier.status(app.status_line())

    def apply_pending(self) -> bool:
        """Switch to accepted new content (between patients only); True if there was some."""
        app = self.app
        if self.pending is None:
            return False
        app.packs, self.pending = app.offered(self.pending), None
        app.speaker.prepare(spoken_texts(app.packs, app.settings.idle_warning_seconds))
        app.use_language(app.default_language())
        log.info("content applied: %s", app.status_line())
        return True

    def reload(self) -> None:
        """SIGHUP: read the configuration and the content again (content applies between patients)."""
        app = self.app
        app.notifier.reloading()
        try:
            if self._reload_settings is not None:
                try:
                    settings = self._reload_settings()
                    unknown = language_problems(
                        settings, self.store.live if self.store and self.store.live else app.packs
                    )
                    if unknown:
                        raise InvalidFiles(unknown)
                    app.settings = settings
                    log.info("configuration reloaded")
                except InvalidFiles as err:
                    log.error("configuration refused, keeping the old one: %s", err.problems[0])
            if self.store is not None:
                self._guarded(self.store.check)
        finally:  # systemd waits for READY=1 after RELOADING=1, whatever happened
            app.notifier.send(READY="1", STATUS=app.status_line())
