"""A bounded disk cache of rendered prompts, keyed by everything that changes the sound.

Privacy: which clips a patient heard must not show on disk, not even in file times. So only rendering
ahead (`VoiceSpeaker.prerender`, at start-up and when content changes) writes here; playing reads a
clip without touching it (no utime, and O_NOATIME so the access time stays too); and the cache is
trimmed by age of rendering, not by use.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger("kiosk.voice.out")

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
"""Room for every prompt of two languages at both rates, twice over (the bundled content: about 20 MB per
voice, language and both rates; a Piper voice is rendered beside its espeak-ng fallback) and a content
update's new renders beside the old ones."""
STAGING_PREFIX = ".render-"


def cache_key(text: str, voice: str, rate: int, engine: str) -> str:
    return hashlib.sha256("\x00".join((text, voice, str(rate), engine)).encode()).hexdigest()[:32]


def read_quietly(path: Path) -> bytes:
    """A file's bytes, leaving its access time as it was (O_NOATIME needs the file's owner, or CAP_FOWNER).

    Raises:
        OSError: the file cannot be read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOATIME", 0))
    except PermissionError:
        _warn_atime(path.parent)
        fd = os.open(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as file:
        return file.read()


_warned_atime: set[Path] = set()


def _warn_atime(folder: Path) -> None:
    if folder not in _warned_atime:
        _warned_atime.add(folder)
        log.warning("%s is not owned by the kiosk's user: reading it may change its files' access times", folder)


class PromptCache:
    """WAV files in one folder; the oldest renders go first when it grows past `max_bytes`."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.remove_leftovers()

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.wav"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def read(self, key: str) -> bytes | None:
        """The clip's WAV bytes, or None if it is not cached (or unreadable); never changes the file."""
        try:
            return read_quietly(self.path(key))
        except OSError:
            return None

    def staging(self) -> Path:
        """A fresh temporary file name inside the cache folder (raises OSError if it is not writable)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.folder, prefix=STAGING_PREFIX, suffix=".wav")
        os.close(fd)
        return Path(name)

    def commit(self, staged: Path, key: str) -> Path:
        """Move a rendered file into place atomically, then trim the cache to its size."""
        final = self.path(key)
        os.replace(staged, final)
        self.trim(keep=final)
        return final

    def trim(self, keep: Path | None = None) -> None:
        """Delete the oldest renders until the cache fits (never `keep`, just rendered)."""
        try:
            files = [(p.stat().st_mtime, p.stat().st_size, p) for p in self.folder.glob("*.wav")]
        except OSError:
            return
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            if path == keep:
                continue
            try:
                path.unlink()
                total -= size
            except OSError:
                break

    def remove_leftovers(self) -> None:
        """Half-written renders (and the worker's second takes) of a render that did not finish."""
        for path in self.folder.glob(f"{STAGING_PREFIX}*"):
            try:
                path.unlink()
            except OSError:
                return
