"""What the command groups share."""

from __future__ import annotations

from pathlib import Path

BUNDLED_CONTENT = Path(__file__).resolve().parent.parent.parent / "content"


def content_dir(value: str | None) -> Path:
    """The content folder asked for on the command line, else the bundled one."""
    return Path(value) if value else BUNDLED_CONTENT
