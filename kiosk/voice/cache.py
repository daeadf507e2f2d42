"""A bounded disk cache of rendered prompts, keyed by everything that changes the sound."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


def cache_key(text: str, voice: str, rate: int, engine: str) -> str:
    return hashlib.sha256("\x00".join((text, voice, str(rate), engine)).encode()).hexdigest()[:32]


class PromptCache:
    """WAV files in one folder; least recently used files go first when it grows past `max_bytes`."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.wav"

    def get(self, key: str) -> Path | None:
        path = self.path(key)
        try:
            os.utime(path)  # mark as recently used (fails quietly on a read-only cache)
        except FileNotFoundError:
            return None
        except OSError:
            pass
        return path if path.is_file() else None

    def staging(self) -> Path:
        """A fresh temporary file name inside the cache folder (raises OSError if it is not writable)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.folder, prefix=".render-", suffix=".wav")
        os.close(fd)
        return Path(name)

    def commit(self, staged: Path, key: str) -> Path:
        """Move a rendered file into place atomically, then trim the cache to its size."""
        final = self.path(key)
        os.replace(staged, final)
        self.trim(keep=final)
        return final

    def trim(self, keep: Path | None = None) -> None:
        """Delete least recently used files until the cache fits (never `keep`, about to be played)."""
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
