"""Reading a content folder as untrusted input: every file once, bounded, into memory.

Everything the kiosk does with content (check, serve, compare, approve, keep a last good copy,
install) works on one `Snapshot`, never on the folder again, so a file swapped half-way cannot
be read two ways. Only the five files of each language folder are read; anything else in the
folder (a README, notes, links) is never opened. A content file must be a regular file of at most
MAX_FILE_BYTES: a symbolic link, named pipe, device, socket or folder in its place is a problem, as
is a file or folder the kiosk may not read. No read blocks (pipes are opened non-blocking and
refused) and none reads past the limit (the size is checked before reading and the read is capped).
The content folder itself may be a link (e.g. to the release an admin tool put in place). `stamp`
notices a change without opening anything, for the kiosk's poll.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.problems import Problem

FILES = ("language.yaml", "intents.yaml", "screens.yaml", "questions.yaml", "advice.yaml")
SIGNATURE_FILES = ("signed-content.txt", "signed-content.txt.sig")
"""A clinician's manifest of the content and its signature (kiosk.station.signing), beside the language
folders: read, installed and kept with the content, so a signature travels with what it signed."""
MAX_FILE_BYTES = 1024 * 1024
MAX_LANGUAGES = 32
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


@dataclass
class Snapshot:
    """The content files of a folder as read once: `code/name` (or `name` for a single pack) -> bytes."""

    root: Path
    display: str
    packs: dict[str, dict[str, bytes]] = field(default_factory=dict)
    """Language folder ("" when the root is itself a pack) -> file name -> bytes; a file missing from the
    inner mapping was refused (see `problems`)."""
    problems: list[Problem] = field(default_factory=list)
    signature: dict[str, bytes] = field(default_factory=dict)
    """The SIGNATURE_FILES that are there, by name."""

    def shown(self, folder: str, name: str | None = None) -> str:
        """How to name a language folder (or a file in it) in messages."""
        base = self.display if not folder else f"{self.display.rstrip('/')}/{folder}"
        return base if name is None else f"{base.rstrip('/')}/{name}"

    def digest(self) -> str:
        """Changes whenever a content file's name or bytes change (never with its times)."""
        digest = hashlib.sha256()
        for folder in sorted(self.packs):
            for name, data in sorted(self.packs[folder].items()):
                digest.update(f"{folder}/{name}\0{len(data)}\0".encode())
                digest.update(data)
        for name, data in sorted(self.signature.items()):
            digest.update(f"{name}\0{len(data)}\0".encode())
            digest.update(data)
        for problem in sorted(self.problems):
            digest.update(f"{problem}\n".encode())
        return digest.hexdigest()

    def write(self, target: Path) -> None:
        """Write the content files to the new folder `target` as plain files (links become copies)."""
        target.mkdir(mode=0o755)
        for name, data in self.signature.items():
            (target / name).write_bytes(data)
            (target / name).chmod(0o644)
        for folder, files in self.packs.items():
            where = target / folder if folder else target
            where.mkdir(mode=0o755, exist_ok=True)
            for name, data in files.items():
                path = where / name
                with open(path, "wb") as out:
                    out.write(data)
                path.chmod(0o644)


def is_pack(path: Path) -> bool:
    """Does `path` hold a language pack itself (a language.yaml of any kind, so a bad one is reported)?"""
    try:
        os.lstat(path / "language.yaml")
        return True
    except OSError:
        return False


def stamp(folder: Path) -> str:
    """Changes whenever a language folder or content file under `folder` is added, removed, resized,
    touched or replaced (by a link, a pipe...); looks at names and inodes only, never opens a file."""
    digest = hashlib.sha256()

    def look(path: Path, label: str) -> None:
        try:
            st = os.lstat(path)
            digest.update(f"{label}:{st.st_mode}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        except OSError as err:
            digest.update(f"{label}:{err.errno}\n".encode())

    for name in SIGNATURE_FILES:
        look(folder / name, name)
    try:
        packs = [folder] if is_pack(folder) else [p for p in sorted(folder.iterdir()) if is_pack(p)]
    except OSError as err:
        return f"unreadable: {err.errno}"
    for pack in packs:
        for name in FILES:
            look(pack / name, f"{pack.name}/{name}")
    return digest.hexdigest() if packs else "missing"


def read(root: Path, display: str | None = None) -> Snapshot:
    """Read every language folder under `root` (or `root` itself when it is one); never raises OSError."""
    snap = Snapshot(root, display if display is not None else str(root))
    for name in SIGNATURE_FILES:
        data = read_file(root / name, limit=MAX_FILE_BYTES)
        if isinstance(data, bytes):
            snap.signature[name] = data
    if is_pack(root):
        _read_pack(snap, root, "")
        return snap
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as err:
        why = "there is no such folder" if err.errno == errno.ENOENT else f"cannot read the folder: {_why(err)}"
        snap.problems.append(Problem(snap.display, 1, 1, f"no language folder with a language.yaml here: {why}"))
        return snap
    folders = [e for e in entries if e.is_dir(follow_symlinks=False) or e.is_symlink()]
    packs = [e for e in folders if is_pack(Path(e.path))]
    for entry in packs[:MAX_LANGUAGES]:
        if entry.is_symlink():
            snap.problems.append(Problem(snap.shown(entry.name), 1, 1, "is a symbolic link: use a real folder"))
        else:
            _read_pack(snap, Path(entry.path), entry.name)
    if len(packs) > MAX_LANGUAGES:
        snap.problems.append(Problem(snap.display, 1, 1, f"more than {MAX_LANGUAGES} language folders"))
    for entry in folders:
        if entry not in packs and not entry.is_symlink():
            _readable(snap, entry)
    if not snap.packs and not snap.problems:
        snap.problems.append(Problem(snap.display, 1, 1, "no language folder with a language.yaml here"))
    return snap


def _readable(snap: Snapshot, entry: os.DirEntry[str]) -> None:
    """A language folder the kiosk may not look into would otherwise just vanish: say so."""
    try:
        with os.scandir(entry.path):
            pass
    except PermissionError as err:
        snap.problems.append(Problem(snap.shown(entry.name), 1, 1, f"cannot read the folder: {_why(err)}"))
    except OSError:
        pass


def _read_pack(snap: Snapshot, folder: Path, name: str) -> None:
    files: dict[str, bytes] = {}
    snap.packs[name] = files
    for file in FILES:
        data = read_file(folder / file)
        if isinstance(data, bytes):
            files[file] = data
        else:
            snap.problems.append(Problem(snap.shown(name, file), 1, 1, data))


def read_file(path: Path, limit: int = MAX_FILE_BYTES, follow: bool = False) -> bytes | str:
    """The bytes of a regular file of at most `limit` bytes, or why not (one line for an admin).

    `follow` accepts a symbolic link to a regular file (the configuration file may be one).
    """
    try:
        before = os.stat(path) if follow else os.lstat(path)
    except OSError as err:
        return "file is missing" if err.errno == errno.ENOENT else f"cannot read file: {_why(err)}"
    what = _kind(before.st_mode)
    if what:  # decided before opening: opening a device can itself do something
        return f"is {what}, not a regular file"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW))
    except OSError as err:
        return f"cannot read file: {_why(err)}"
    try:
        now = os.fstat(fd)
        what = _kind(now.st_mode)
        if what:  # swapped between the look and the open
            return f"is {what}, not a regular file"
        if now.st_size > limit:
            return f"file is {now.st_size} bytes; the limit is {limit}"
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(65536, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            return f"file is more than {limit} bytes; the limit is {limit}"
        return b"".join(chunks)
    except OSError as err:
        return f"cannot read file: {_why(err)}"
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    return next((what for test, what in _KINDS if test(mode)), "")


def _why(err: OSError) -> str:
    return err.strerror or str(err)
