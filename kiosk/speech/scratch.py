"""A private folder in memory (/dev/shm) for speech rendered on demand, and what a killed kiosk left there.

The folder is `alt-kiosk-tts-<pid>-XXXX`, mode 0700 (no other user can list or read it). A kiosk that
was killed cannot remove its own, so each new one removes the folders of this user whose process is
gone (a WAV of a prompt, e.g. "Volume 4 of 5", must not outlive the session that heard it).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "alt-kiosk-tts-"
_OURS = re.compile(re.escape(PREFIX) + r"(\d+)-")
SHM = Path("/dev/shm")


def memory() -> Path | None:
    """/dev/shm where this user may write there, else None (the system's temporary folder)."""
    return SHM if SHM.is_dir() and os.access(SHM, os.W_OK) else None


def parent() -> Path:
    """Where scratch folders go: /dev/shm where this user may write there, else the temporary folder."""
    return memory() or Path(tempfile.gettempdir())


def make() -> Path:
    """A new private folder (0700) for this process."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent()))


def remove_stale(parent: Path) -> list[Path]:
    """Remove this user's scratch folders in `parent` whose process has ended (or that name none)."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != os.geteuid():
                continue
        except OSError:
            continue
        found = _OURS.match(entry.name)
        if found is not None and _alive(int(found.group(1))):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
