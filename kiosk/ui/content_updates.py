"""New content and configuration for a running kiosk: polled, checked, held or applied between patients.

Content goes live only between patients: accepted content waits here (`pending`) and
`ContentUpdates.Accepted` tells the app, which takes it when nobody is using the kiosk. Refused content
(problems) and held content (waiting for `alt-kiosk content apply`) leave the kiosk on what it serves,
and say so in the status line that the staff screen, `systemctl status` and the journal show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from textual.message import Message

from kiosk.core.model import Content
from kiosk.core.problems import InvalidFiles, Problem
from kiosk.station.config import language_problems
from kiosk.station.content_store import ContentState, ContentStore
from kiosk.station.notify import Notifier
from kiosk.station.settings import Settings
from kiosk.station.signing import Signature

log = logging.getLogger("kiosk")

POLL_SECONDS = 2.0


class UpdatesHost(Protocol):
    """What content updates read of the app (they write none of it)."""

    @property
    def packs(self) -> dict[str, Content]: ...
    @property
    def notifier(self) -> Notifier: ...

    def offered(self, packs: dict[str, Content]) -> dict[str, Content]: ...
    def status_line(self) -> str: ...
    def set_interval(self, interval: float, callback: Callable[[], None]) -> Any: ...
    def post_message(self, message: Message) -> bool: ...


class ContentUpdates:
    class Accepted(Message):
        """New content passed every check and waits in `pending` for the next patient."""

    def __init__(
        self, app: UpdatesHost, store: ContentStore | None, reload_settings: Callable[[], Settings] | None
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
        self.signature: Signature | None = None
        """Who signed the content that went live (None: signing is off)."""

    def adopt(self, state: ContentState) -> None:
        """What the store said when the kiosk started (problems or waiting content, for the status line)."""
        self.problems, self.waiting = state.problems, state.waiting
        self.signature = state.signature

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
            self.signature = state.signature
            log.info("new content accepted (%s); applied between patients", state.version)
            app.post_message(self.Accepted())
        app.notifier.status(app.status_line())

    def take_pending(self) -> dict[str, Content] | None:
        """Accepted new content, handed over once (None: there is none)."""
        pending, self.pending = self.pending, None
        return pending

    def read_settings(self, packs: dict[str, Content]) -> Settings | None:
        """The configuration read again, checked against the content (`packs`, or what the store serves);
        None when there is nothing to read or it is refused (the journal says why)."""
        if self._reload_settings is None:
            return None
        try:
            settings = self._reload_settings()
            unknown = language_problems(settings, self.store.live if self.store and self.store.live else packs)
            if unknown:
                raise InvalidFiles(unknown)
        except InvalidFiles as err:
            log.error("configuration refused, keeping the old one: %s", err.problems[0])
            return None
        log.info("configuration reloaded")
        return settings

    def check_now(self) -> None:
        """Check the content folder now (a reload), not at the next poll."""
        if self.store is not None:
            self._guarded(self.store.check_soon)
