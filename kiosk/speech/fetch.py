"""A model's bytes: downloaded (bounded), checksummed and unzipped (bounded, nothing outside the target);
kiosk.speech.models installs what comes out."""

from __future__ import annotations

import hashlib
import shutil
import sys
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

MAX_UNPACKED = 4 * 1024**3
MAX_RATIO = 50
"""No real model or voice compresses 50 to 1; a zip that claims to is a zip bomb."""


class ModelError(Exception):
    """A model could not be installed, verified or removed; the message says why."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def progress_bar(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done / 1e6:6.1f} / {total / 1e6:.1f} MB")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def download(url: str, target: Path, size: int, report: Callable[[int, int], None]) -> None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response, open(target, "wb") as out:
            done = 0
            while chunk := response.read(1 << 16):
                out.write(chunk)
                done += len(chunk)
                report(done, size)
                if done > MAX_UNPACKED:
                    raise ModelError(f"{url}: more than {MAX_UNPACKED >> 30} GiB; refused")
    except (urllib.error.URLError, TimeoutError, ValueError) as err:
        raise ModelError(f"{url}: cannot download it ({getattr(err, 'reason', err)})") from None
    except OSError as err:
        raise ModelError(f"{url}: cannot download it ({err.strerror or err})") from None


def unzip(archive: Path, target: Path) -> Path:
    """Unpack `archive` into `target` (entries that escape it, damaged ones, a zip bomb: refused); the
    model's folder: the one folder the zip holds, or `target`."""
    try:
        with zipfile.ZipFile(archive) as z:
            _fits(archive, z, target.parent)
            for info in z.infolist():
                if not (target / info.filename).resolve().is_relative_to(target.resolve()):
                    raise ModelError(f"{archive}: entry {info.filename!r} escapes the model folder; refused")
            bad = z.testzip()
            if bad is not None:
                raise ModelError(f"{archive}: entry {bad!r} is damaged")
            z.extractall(target)
    except (zipfile.BadZipFile, EOFError) as err:
        raise ModelError(f"{archive}: not a complete zip file ({err})") from err
    except OSError as err:
        raise ModelError(f"{archive}: cannot unpack it ({err.strerror or err}); nothing installed") from None
    entries = list(target.iterdir())
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else target


def _fits(archive: Path, z: zipfile.ZipFile, where: Path) -> None:
    """Refuse a zip whose contents would not fit, or that unpacks far bigger than any real model."""
    total = sum(info.file_size for info in z.infolist())
    packed = archive.stat().st_size
    if total > MAX_UNPACKED or total > MAX_RATIO * max(packed, 1 << 20):
        raise ModelError(
            f"{archive}: unpacks to {total / 1e6:.0f} MB from {packed / 1e6:.1f} MB; refused (a zip bomb?)"
        )
    free = shutil.disk_usage(where).free
    if total > free - (64 << 20):
        raise ModelError(
            f"{archive}: needs {total / 1e6:.0f} MB, {free / 1e6:.0f} MB free in {where}; nothing installed"
        )
