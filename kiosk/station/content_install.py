"""`alt-kiosk content install` and `rollback`: put another content folder in place, whole or not at all.

What is installed is exactly what was checked: the content files as read once (kiosk.core.snapshot),
written as plain files. A zip is unpacked into a staging folder first, with its size capped.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from kiosk.core import snapshot
from kiosk.core.loader import load_all
from kiosk.core.problems import InvalidFiles, Problem
from kiosk.station.content_check import Render, checked
from kiosk.station.content_store import remove_leftovers

MAX_ZIP_BYTES = 64 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000


def _refuse(archive: Path, message: str) -> InvalidFiles:
    return InvalidFiles([Problem(str(archive), 1, 1, message)])


def extract_zip(archive: Path, target: Path) -> Path:
    """Unpack a content zip into `target`, refusing a broken zip and entries that would land outside it."""
    data = snapshot.read_file(archive, limit=MAX_ZIP_BYTES, follow=True)
    if isinstance(data, str):
        raise _refuse(archive, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise _refuse(archive, f"zip holds more than {MAX_ZIP_ENTRIES} entries")
            if sum(info.file_size for info in infos) > MAX_ZIP_BYTES:
                raise _refuse(archive, "zip unpacks to more than 64 MiB")
            for info in infos:
                destination = (target / info.filename).resolve()
                if not destination.is_relative_to(target.resolve()):
                    raise _refuse(archive, f"zip entry {info.filename!r} escapes the folder")
            z.extractall(target)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError) as err:
        raise _refuse(archive, f"not a readable zip file ({err})") from None
    except OSError as err:
        raise _refuse(archive, f"cannot unpack the zip: {err.strerror or err}") from None
    entries = [p for p in target.iterdir() if not p.name.startswith("__MACOSX")]
    # A zip of the folder itself holds one top folder: use what is inside it.
    if len(entries) == 1 and entries[0].is_dir() and not snapshot.is_pack(entries[0]):
        return entries[0]
    return target


def install(new: Path, content_dir: Path, signers: Path | None = None, render: Render | None = None) -> str:
    """Check `new` (folder or zip), then swap it in for `content_dir`, keeping the old one for rollback.

    Returns a one-line summary. Raises InvalidFiles (nothing changed) when the new content is refused.
    """
    content_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(content_dir.parent, ".install-")
    staging = Path(tempfile.mkdtemp(dir=content_dir.parent, prefix=".install-"))
    try:
        source = new if new.is_dir() else extract_zip(new, staging / "unzipped")
        snap = snapshot.read(source, str(new))
        packs, _ = checked(snap, signers, render)
        snap.write(staging / "content")
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
