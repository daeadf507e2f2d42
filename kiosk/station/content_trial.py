"""Two generations of good content, and a minute's trial for new content.

When new content goes live, the last good copy before it is kept as a second generation and a trial
begins: a marker in the state folder, cleared after a minute of running or at a clean stop. A kiosk that
ends unexpectedly while the marker is there (a crash, a kill, a power cut within a minute of the change)
finds it at its next start: the new content is set aside as suspect, the copy before it is served again,
and `status`, the journal and the metrics say so until an admin changes the content or approves it
(`content apply`, `install`, `rollback`). No time stamp is kept beyond the marker itself.
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from kiosk.core import snapshot

log = logging.getLogger("kiosk.content")
TRIAL = "content-trial"
SUSPECT = "content-suspect"
TRIAL_SECONDS = 60.0


class Trial:
    def __init__(self, state_dir: Path, backup: Path) -> None:
        self.state_dir = state_dir
        self.backup = backup
        self.previous = backup.with_name(backup.name + ".1")
        """The last good copy before the current one (the second generation)."""
        self._since: float | None = None

    def set_aside(self, old: Path, new_digest: str) -> None:
        """The last good copy at `old` is being replaced by content with `new_digest`: keep it as the second
        generation, and begin the trial of the new content (nothing to do when the content is the same)."""
        if not old.is_dir() or snapshot.read(old).digest() == new_digest:
            shutil.rmtree(old, ignore_errors=True)
            return
        shutil.rmtree(self.previous, ignore_errors=True)
        old.rename(self.previous)
        _write(self.state_dir / TRIAL, new_digest)
        self._since = time.monotonic()

    def tick(self) -> None:
        """A minute after new content went live without the kiosk ending, the trial is over."""
        if self._since is not None and time.monotonic() - self._since >= TRIAL_SECONDS:
            self.end()

    def end(self) -> None:
        """The trial is over (a minute passed, or the kiosk stops cleanly)."""
        self._since = None
        (self.state_dir / TRIAL).unlink(missing_ok=True)

    def recover(self) -> str | None:
        """At start: if the last run ended during a trial, serve the copy before it again; the suspect's digest."""
        digest = _read(self.state_dir / TRIAL)
        if digest is None:
            return None
        if self.previous.is_dir():
            shutil.rmtree(self.backup, ignore_errors=True)
            self.previous.rename(self.backup)
        _write(self.state_dir / SUSPECT, digest)
        (self.state_dir / TRIAL).unlink(missing_ok=True)
        log.error("the kiosk ended unexpectedly within a minute of new content going live: serving the copy before it")
        return digest

    def suspect(self) -> str | None:
        """The digest of content the kiosk ended on during its trial (None: none)."""
        return _read(self.state_dir / SUSPECT)


def forgive(state_dir: Path) -> None:
    """An admin approved content (apply, install, rollback): nothing is held as suspect any more."""
    (state_dir / SUSPECT).unlink(missing_ok=True)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.tmp")
    staged.write_text(text + "\n", encoding="ascii")
    staged.replace(path)


def _read(path: Path) -> str | None:
    data = snapshot.read_file(path, limit=256)
    return data.decode("ascii", "replace").strip() or None if isinstance(data, bytes) else None
