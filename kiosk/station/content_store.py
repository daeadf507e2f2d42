"""Where the kiosk's content comes from: the admin's folder, checked, hot-swapped, with the last good copy kept.

* A change in the folder is noticed by polling (every 2 s), applied only once the folder has stopped
  changing (a half-written file is never read twice the same), and only if the whole set passes the check.
* Refused content leaves the kiosk on the last good content, which is also copied to the state folder so
  it survives a restart even if the admin's folder is broken or deleted. Only content that went live
  replaces that copy.
* Valid content that looks unfinished (a file without its final line break) or that takes away
  languages, questions, tips or intents is held, not served, until an admin approves exactly those
  files (`alt-kiosk content apply`; `install` and `rollback` approve what they put in place).
* `install` and `rollback` (kiosk/station/content_install.py) put another folder in place.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core import snapshot
from kiosk.core.changes import hold_reasons
from kiosk.core.loader import load_all
from kiosk.core.model import Content
from kiosk.core.problems import InvalidFiles, Problem
from kiosk.station.content_check import Render, checked
from kiosk.station.content_trial import Trial, forgive
from kiosk.station.signing import Signature

log = logging.getLogger("kiosk.content")
LAST_GOOD = "last-good-content"
APPROVED = "approved-content"
"""In the state folder: the digest of content an admin installed, applied or rolled back to."""
STAGING_PREFIX = ".content-"


@dataclass
class ContentState:
    packs: dict[str, Content]
    problems: list[Problem] = field(default_factory=list)
    """Why the admin's current files were refused (empty when they are in use)."""
    from_backup: bool = False
    waiting: list[str] = field(default_factory=list)
    """Why the admin's (valid) files wait for `alt-kiosk content apply` instead of going live."""
    snap: snapshot.Snapshot | None = None
    """The admin's folder as read for this state."""
    signature: Signature | None = None
    """Who signed the admin's content (None: unsigned, or signing is off)."""

    @property
    def version(self) -> str:
        return ",".join(f"{code} {pack.version}" for code, pack in self.packs.items())


def state_name(problems: list[Problem], waiting: list[str]) -> str:
    """ "REFUSED" (problems), "WAITING" (valid, held for `content apply`) or "OK" (in use)."""
    return "REFUSED" if problems else "WAITING" if waiting else "OK"


def language_state(code: str, problems: list[Problem], waiting: list[str], folder: Path) -> tuple[str, list[str]]:
    """One language's content state, "OK", "WAITING" or "REFUSED", and why: refused by a problem in its
    own folder or in a file all languages share; waiting while the folder waits for `content apply`."""

    def language_of(file: str) -> str | None:
        path = Path(file)
        parts = path.relative_to(folder).parts if path.is_relative_to(folder) else ()
        return parts[0] if len(parts) > 1 else None

    refused = [p for p in problems if language_of(p.file) in (code, None)]
    return state_name(refused, waiting), [str(p) for p in refused] or list(waiting)


def content_digest(folder: Path) -> str:
    """Changes whenever a content file's name or bytes under `folder` change (not its times)."""
    return snapshot.read(folder).digest()


def approve(folder: Path, state_dir: Path) -> None:
    """Record that an admin meant the content now in `folder` (install, apply, rollback): it may go live as it is."""
    state_dir.mkdir(parents=True, exist_ok=True)
    staged = state_dir / f".{APPROVED}.tmp"
    staged.write_text(content_digest(folder) + "\n", encoding="utf-8")
    staged.chmod(0o644)
    staged.replace(state_dir / APPROVED)
    forgive(state_dir)


def is_approved(snap: snapshot.Snapshot, state_dir: Path) -> bool:
    approved = snapshot.read_file(state_dir / APPROVED, limit=256)
    return isinstance(approved, bytes) and approved.decode("ascii", "replace").strip() == snap.digest()


def remove_leftovers(folder: Path, prefix: str) -> None:
    """Staging copies of an earlier run that ended half-way (a full disk, a hard exit)."""
    for path in folder.glob(f"{prefix}*"):
        shutil.rmtree(path, ignore_errors=True)


class ContentStore:
    def __init__(
        self, source: Path, state_dir: Path, signers: Path | None = None, render: Render | None = None
    ) -> None:
        """`signers`: require a clinician's signature (kiosk.station.signing); `render`: render every screen
        before content goes live (kiosk.station.content_check), then polls check in the background."""
        self.source = source
        self.signers = signers
        self.render = render
        self.state_dir = state_dir
        self.backup = state_dir / LAST_GOOD
        self.trial = Trial(state_dir, self.backup)
        self._job: threading.Thread | None = None
        self._job_result: ContentState | None = None
        self.live: dict[str, Content] | None = None
        """The content last accepted to serve (what new content is compared with)."""
        self.keep_problem: str | None = None
        """Why the last good copy could not be saved (None: it was)."""
        self._seen = ""
        self._pending = ""

    def assess(self) -> ContentState:
        """What the kiosk would serve now, and why, without changing anything on disk.

        Raises:
            InvalidFiles: the folder is bad and there is no last good copy either.
        """
        backup = self._backup_packs()
        snap = snapshot.read(self.source)
        try:
            self._not_suspect(snap)
            packs, signature = checked(snap, self.signers, self.render)
        except InvalidFiles as err:
            if backup is None:
                raise
            return ContentState(backup, err.problems, from_backup=True, snap=snap)
        waiting = self._waiting(snap, packs, backup)
        if waiting and backup is not None:
            return ContentState(backup, waiting=waiting, from_backup=True, snap=snap)
        return ContentState(packs, snap=snap, signature=signature)

    def load(self) -> ContentState:
        """Content to start with: the admin's folder if good and finished, else the last good copy."""
        remove_leftovers(self.state_dir, STAGING_PREFIX)
        self.trial.recover()
        self._seen = self._fingerprint()
        state = self.assess()
        if state.problems:
            log.error("content in %s refused (%d problems); using the last good copy", self.source, len(state.problems))
        elif state.waiting:
            log.warning(
                "new content in %s waits for `alt-kiosk content apply`: %s", self.source, "; ".join(state.waiting)
            )
        elif state.snap is not None:
            self._keep(state.snap)
        self.live = state.packs
        return state

    def poll(self) -> ContentState | None:
        """A new state if the folder (or an admin's approval) changed and has settled since the last poll."""
        self.trial.tick()
        if self._job is not None:
            if self._job.is_alive():
                return None
            result, self._job, self._job_result = self._job_result, None, None
            return result
        now = self._fingerprint()
        if now == self._seen:
            self._pending = ""
            return None
        if now != self._pending:
            self._pending = now  # changed: wait one more poll to be sure writing has finished
            return None
        self._seen, self._pending = now, ""
        return self.check_soon()

    def check_soon(self) -> ContentState | None:
        """`check` now; with rendering on, the rules now (a refusal is returned at once) and the rest in the
        background (seconds, while the kiosk serves patients): then None, and a later `poll` returns it."""
        if self.render is None:
            return self.check()
        snap = snapshot.read(self.source)
        try:  # the rules first, at once: a refusal by them is known without drawing anything
            self._not_suspect(snap)
            checked(snap, self.signers)
        except InvalidFiles as err:
            log.error("new content refused: %d problems, first: %s", len(err.problems), err.problems[0])
            return ContentState({}, err.problems, snap=snap)
        if self._job is None:
            self._job = threading.Thread(target=self._background_check, name="content-check", daemon=True)
            self._job.start()
        return None

    def _background_check(self) -> None:
        try:
            self._job_result = self.check()
        except Exception as err:  # untrusted files: nothing they raise may end the kiosk
            log.exception("checking content failed")
            why = f"checking the content failed ({type(err).__name__}); serving the last good content"
            self._job_result = ContentState({}, [Problem(str(self.source), 1, 1, why)])

    def check(self) -> ContentState | None:
        """Validate the admin's folder now: a state with packs (accepted), problems (refused) or waiting (held)."""
        snap = snapshot.read(self.source)
        try:
            self._not_suspect(snap)
            packs, signature = checked(snap, self.signers, self.render)
        except InvalidFiles as err:
            log.error("new content refused: %d problems, first: %s", len(err.problems), err.problems[0])
            return ContentState({}, err.problems, snap=snap)
        waiting = self._waiting(snap, packs, self.live)
        if waiting:
            log.warning("new content waits for `alt-kiosk content apply`: %s", "; ".join(waiting))
            return ContentState({}, waiting=waiting, snap=snap)
        self._keep(snap)
        self.live = packs
        return ContentState(packs, snap=snap, signature=signature)

    def _not_suspect(self, snap: snapshot.Snapshot) -> None:
        """Refuse the content the kiosk ended on within a minute of applying it (kiosk.station.content_trial)."""
        if self.trial.suspect() == snap.digest():
            why = (
                "the kiosk ended unexpectedly within a minute of applying this content, so it serves the copy "
                "before it: change the content, or run `alt-kiosk content apply` to try it again"
            )
            raise InvalidFiles([Problem(snap.shown(""), 1, 1, why)])

    def _fingerprint(self) -> str:
        approval = self.state_dir / APPROVED
        try:
            stamp = approval.stat().st_mtime_ns
        except OSError:
            stamp = 0
        return f"{snapshot.stamp(self.source)}:{stamp}"

    def _waiting(
        self, snap: snapshot.Snapshot, packs: dict[str, Content], serving: dict[str, Content] | None
    ) -> list[str]:
        reasons = hold_reasons(snap, serving, packs)
        if not reasons or is_approved(snap, self.state_dir):
            return []
        if self.backup_is_current(snap):
            return []  # exactly the last good content (e.g. live before this check existed): nothing new to hold
        return reasons

    def backup_is_current(self, snap: snapshot.Snapshot | None = None) -> bool:
        """The last good copy holds exactly the admin's folder as it is now (or as read in `snap`)."""
        current = snap if snap is not None else snapshot.read(self.source)
        return self.backup.is_dir() and content_digest(self.backup) == current.digest()

    def _backup_packs(self) -> dict[str, Content] | None:
        if not self.backup.is_dir():
            return None
        try:
            return load_all(self.backup)
        except InvalidFiles as err:
            log.error("the last good copy in %s no longer loads: %s", self.backup, err.problems[0])
            return None

    def _keep(self, snap: snapshot.Snapshot) -> None:
        """Save content that went live, as read, to the state folder (atomically), so it survives a restart."""
        staging: Path | None = None
        try:
            self.backup.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=self.backup.parent, prefix=STAGING_PREFIX))
            snap.write(staging / "c")
            old = self.backup.with_name(LAST_GOOD + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.backup.exists():
                self.backup.rename(old)
            (staging / "c").rename(self.backup)
            self.trial.set_aside(old, snap.digest())  # the copy before it stays, as the second generation
            self.keep_problem = None
        except OSError as err:
            self.keep_problem = f"could not save the last good copy in {self.backup.parent}: {err.strerror or err}"
            log.error("%s", self.keep_problem)
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
