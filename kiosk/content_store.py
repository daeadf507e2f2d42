"""Where the kiosk's content comes from: the admin's folder, checked, hot-swapped, with the last good copy kept.

* A change in the folder is noticed by polling (every 2 s), applied only once the folder has stopped
  changing (a half-written file is never read twice the same), and only if the whole set passes the check.
* Refused content leaves the kiosk on the last good content, which is also copied to the state folder so
  it survives a restart even if the admin's folder is broken or deleted.
* `install` stages a new folder or zip and swaps it in; `rollback` swaps the previous one back.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.loader import load_all
from kiosk.core.model import Content
from kiosk.core.problems import InvalidFiles, Problem

log = logging.getLogger("kiosk.content")
LAST_GOOD = "last-good-content"
MAX_ZIP_BYTES = 64 * 1024 * 1024


@dataclass
class ContentState:
    packs: dict[str, Content]
    problems: list[Problem] = field(default_factory=list)
    """Why the admin's current files were refused (empty when they are in use)."""
    from_backup: bool = False

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


class ContentStore:
    def __init__(self, source: Path, state_dir: Path) -> None:
        self.source = source
        self.backup = state_dir / LAST_GOOD
        self._seen = ""
        self._pending = ""

    def load(self) -> ContentState:
        """Content to start with: the admin's folder if good, else the last good copy.

        Raises:
            InvalidFiles: the folder is bad and there is no last good copy either.
        """
        self._seen = fingerprint(self.source)
        try:
            packs = load_all(self.source)
        except InvalidFiles as err:
            if not (self.backup.is_dir()):
                raise
            log.error(
                "content in %s refused (%d problems); using the last good copy in %s",
                self.source,
                len(err.problems),
                self.backup,
            )
            return ContentState(load_all(self.backup), err.problems, from_backup=True)
        self._keep(self.source)
        return ContentState(packs)

    def poll(self) -> ContentState | None:
        """A new state if the folder changed and has settled since the last poll; else None."""
        now = fingerprint(self.source)
        if now == self._seen:
            self._pending = ""
            return None
        if now != self._pending:
            self._pending = now  # changed: wait one more poll to be sure writing has finished
            return None
        self._seen, self._pending = now, ""
        return self.check()

    def check(self) -> ContentState | None:
        """Validate the admin's folder now; a state with packs (good) or problems (refused)."""
        try:
            packs = load_all(self.source)
        except InvalidFiles as err:
            log.error("new content refused: %d problems, first: %s", len(err.problems), err.problems[0])
            return ContentState({}, err.problems)
        self._keep(self.source)
        return ContentState(packs)

    def _keep(self, folder: Path) -> None:
        """Copy good content to the state folder (atomically), so it survives a restart."""
        try:
            self.backup.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=self.backup.parent, prefix=".content-"))
            shutil.copytree(folder, staging / "c")
            old = self.backup.with_name(LAST_GOOD + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.backup.exists():
                self.backup.rename(old)
            (staging / "c").rename(self.backup)
            shutil.rmtree(old, ignore_errors=True)
            shutil.rmtree(staging, ignore_errors=True)
        except OSError as err:
            log.warning("could not keep a copy of good content in %s: %s", self.backup.parent, err)


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
