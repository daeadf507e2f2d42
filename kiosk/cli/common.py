"""What the command groups share."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.settings import Settings

BUNDLED_CONTENT = Path(__file__).resolve().parent.parent.parent / "content"


def content_dir(value: str | None) -> Path:
    """The content folder asked for on the command line, else the bundled one."""
    return Path(value) if value else BUNDLED_CONTENT


def configured(args: argparse.Namespace) -> Settings:
    """Defaults, then the configuration file (required when named with --config)."""
    from kiosk.config import config_path, load_settings

    return load_settings(config_path(args.config), Settings(BUNDLED_CONTENT), required=bool(args.config))
