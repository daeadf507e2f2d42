"""Where the kiosk's content comes from: the admin's folder, checked, hot-swapped, with the last good copy kept.

* A change in the folder is noticed by polling (every 2 s), applied only once the folder has stopped
  changing (a half-written file is never read twice the same), and only if the whole set passes the check.
* Refused content leaves the kiosk on the last good content, which is also copied to the state folder so
  it survives a restart even if the admin's folder is broken or deleted. Only content that went live
  replaces that copy.
* Valid content that looks unfinished (a file without its final line break) or that takes away
  languages, questions, tips or intents is held, not served, until an admin approves exactly those
  files (`alt-kiosk content apply`; `install` and `rollback` approve what they put in place).
* `install` stages a new folder or zip and swaps it in; `rollback` swaps the previous one back.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.changes import hold_reasons
from kiosk.core.loader import load_all
from kiosk.core.model import Content
from kiosk.core.problems import InvalidFiles, Problem

log = logging.getLogger("kiosk.content")
LAST_GOOD = "last-good-content"
APPROVED = "approved-content"
"""In the state folder: the digest of content an admin installed, applied or rolled back to."""
STAGING_PREFIX = ".content-"
MAX_ZIP_BYTES = 64 * 1024 * 1024


@dataclass
class ContentState:
    packs: dict[str, Content]
    problems: list[Problem] = field(default_factory=list)
    """Why the admin's current files were refused (empty when they are in use)."""
    from_backup: bool = False
    waiting: list[str] = field(default_factory=list)
    """Why the admin's (valid) files wait for `alt-kiosk content apply` instead of going live."""

    @property
    def version(self) -> str:
        return ",".join(f"{code} {pack.version}" for code, pack in self.packs.items())


def fingerprint(folder: Path) -> str:
    """Changes whenever any file under `folder` is added, removed, resized or touched."""
    digest = hashlib.sha256()
    try:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    except OSError:
        return "unreadable"
    return digest.hexdigest() if folder.is_dir() else "missing"


def content_digest(folder: Path) -> str:
    """Changes whenever any file's name or bytes under `folder` change (not its times)."""
    digest = hashlib.sha256()
    try:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(f"{path.relative_to(folder)}\0{path.stat().st_size}\0".encode())
                digest.update(path.read_bytes())
    except OSError:
        return "unreadable"
    return digest.hexdigest()


def approve(folder: Path, state_dir: Path) -> None:
    """Record that an admin meant the content now in `folder` (install, apply, rollback): it may go live as it is."""
    state_dir.mkdir(parents=True, exist_ok=True)
    staged = state_dir / f".{APPROVED}.tmp"
    staged.write_text(content_digest(folder) + "\n", encoding="utf-8")
    staged.chmod(0o644)
    staged.replace(state_dir / APPROVED)


def is_approved(folder: Path, state_dir: Path) -> bool:
    try:
        return (state_dir / APPROVED).read_text(encoding="utf-8").strip() == content_digest(folder)
    except OSError:
        return False


def _remove_leftovers(folder: Path, prefix: str) -> None:
    """Staging copies of an earlier run that ended half-way (a full disk, a hard exit)."""
    for path in folder.glob(f"{prefix}*"):
        shutil.rmtree(path, ignore_errors=True)


class ContentStore:
    def __init__(self, source: Path, state_dir: Path) -> None:
        self.source = source
        self.state_dir = state_dir
        self.backup = state_dir / LAST_GOOD
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
        try:
            packs = load_all(self.source)
        except InvalidFiles as err:
            if backup is None:
                raise
            return ContentState(backup, err.problems, from_backup=True)
        waiting = self._waiting(packs, backup)
        if waiting and backup is not None:
            return ContentState(backup, waiting=waiting, from_backup=True)
        return ContentState(packs)

    def load(self) -> ContentState:
        """Content to start with: the admin's folder if good and finished, else the last good copy."""
        _remove_leftovers(self.state_dir, STAGING_PREFIX)
        self._seen = self._fingerprint()
        state = self.assess()
        if state.problems:
            log.error("content in %s refused (%d problems); using the last good copy", self.source, len(state.problems))
        elif state.waiting:
            log.warning(
                "new content in %s waits for `alt-kiosk content apply`: %s", self.source, "; ".join(state.waiting)
            )
        else:
            self._keep(self.source)
        self.live = state.packs
        return state

    def poll(self) -> ContentState | None:
        """A new state if the folder (or an admin's approval) changed and has settled since the last poll."""
        now = self._fingerprint()
        if now == self._seen:
            self._pending = ""
            return None
        if now != self._pending:
            self._pending = now  # changed: wait one more poll to be sure writing has finished
            return None
        self._seen, self._pending = now, ""
        return self.check()

    def check(self) -> ContentState | None:
        """Validate the admin's folder now: a state with packs (accepted), problems (refused) or waiting (held)."""
        try:
            packs = load_all(self.source)
        except InvalidFiles as err:
            log.error("new content refused: %d problems, first: %s", len(err.problems), err.problems[0])
            return ContentState({}, err.problems)
        waiting = self._waiting(packs, self.live)
        if waiting:
            log.warning("new content waits for `alt-kiosk content apply`: %s", "; ".join(waiting))
            return ContentState({}, waiting=waiting)
        self._keep(self.source)
        self.live = packs
        return ContentState(packs)

    def _fingerprint(self) -> str:
        approval = self.state_dir / APPROVED
        try:
            stamp = approval.stat().st_mtime_ns
        except OSError:
            stamp = 0
        return f"{fingerprint(self.source)}:{stamp}"

    def _waiting(self, packs: dict[str, Content], serving: dict[str, Content] | None) -> list[str]:
        reasons = hold_reasons(self.source, serving, packs)
        if not reasons or is_approved(self.source, self.state_dir):
            return []
        if self.backup_is_current():
            return []  # exactly the last good content (e.g. live before this check existed): nothing new to hold
        return reasons

    def backup_is_current(self) -> bool:
        """The last good copy holds exactly the admin's folder as it is now."""
        return self.backup.is_dir() and content_digest(self.backup) == content_digest(self.source)

    def _backup_packs(self) -> dict[str, Content] | None:
        if not self.backup.is_dir():
            return None
        try:
            return load_all(self.backup)
        except InvalidFiles as err:
            log.error("the last good copy in %s no longer loads: %s", self.backup, err.problems[0])
            return None

    def _keep(self, folder: Path) -> None:
        """Copy content that went live to the state folder (atomically), so it survives a restart."""
        staging: Path | None = None
        try:
            self.backup.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=self.backup.parent, prefix=STAGING_PREFIX))
            shutil.copytree(folder, staging / "c")
            old = self.backup.with_name(LAST_GOOD + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.backup.exists():
                self.backup.rename(old)
            (staging / "c").rename(self.backup)
            shutil.rmtree(old, ignore_errors=True)
            self.keep_problem = None
        except OSError as err:
            self.keep_problem = f"could not save the last good copy in {self.backup.parent}: {_reason(err)}"
            log.error("%s", self.keep_problem)
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)


def _reason(err: OSError) -> str:
    """The operating system's words for why (copytree gathers one error per file: the first says it)."""
    if isinstance(err, shutil.Error) and err.args and isinstance(err.args[0], list) and err.args[0]:
        first = str(err.args[0][0][-1])
        found = re.search(r"\[Errno \d+\] ([^:]+)", first)
        return found.group(1) if found else first
    return err.strerror or str(err)


def extract_zip(archive: Path, target: Path) -> Path:
    """Unpack a content zip into `target`, refusing entries that would land outside it."""
    with zipfile.ZipFile(archive) as z:
        total = 0
        for info in z.infolist():
            destination = (target / info.filename).resolve()
            if not destination.is_relative_to(target.resolve()):
                raise InvalidFiles([Problem(str(archive), 1, 1, f"zip entry {info.filename!r} escapes the folder")])
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                raise InvalidFiles([Problem(str(archive), 1, 1, "zip unpacks to more than 64 MiB")])
        z.extractall(target)
    entries = [p for p in target.iterdir() if not p.name.startswith("__MACOSX")]
    # A zip of the folder itself holds one top folder: use what is inside it.
    if len(entries) == 1 and entries[0].is_dir() and not (entries[0] / "language.yaml").exists():
        return entries[0]
    return target


def install(new: Path, content_dir: Path) -> str:
    """Check `new` (folder or zip), then swap it in for `content_dir`, keeping the old one for rollback.

    Returns a one-line summary. Raises InvalidFiles (nothing changed) when the new content is refused.
    """
    content_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(content_dir.parent, ".install-")
    staging = Path(tempfile.mkdtemp(dir=content_dir.parent, prefix=".install-"))
    try:
        source = extract_zip(new, staging / "unzipped") if new.is_file() else new
        packs = load_all(source, str(new))
        shutil.copytree(source, staging / "content")
        previous = content_dir.with_name(content_dir.name + ".previous")
        if content_dir.exists():
            shutil.rmtree(previous, ignore_errors=True)
            content_dir.rename(previous)
        (staging / "content").rename(content_dir)
        return f"installed {', '.join(f'{c} {p.version}' for c, p in packs.items())} into {content_dir}"
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def rollback(content_dir: Path) -> str:
    """Swap the previous content back in (and keep the current one as the new previous)."""
    previous = content_dir.with_name(content_dir.name + ".previous")
    if not previous.is_dir():
        raise FileNotFoundError(f"no previous content next to {content_dir}")
    load_all(previous)  # refuse to roll back to something that no longer checks
    swap = content_dir.with_name(content_dir.name + ".swap")
    shutil.rmtree(swap, ignore_errors=True)
    if content_dir.exists():
        content_dir.rename(swap)
    previous.rename(content_dir)
    if swap.exists():
        swap.rename(previous)
    return f"rolled back {content_dir} to the previous content"
