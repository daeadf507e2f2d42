"""What the command groups share."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.station.settings import CHECKOUT, Settings

BUNDLED_CONTENT = CHECKOUT / "content"


def content_dir(value: str | None) -> Path:
    """The content folder asked for on the command line, else the bundled one."""
    return Path(value) if value else BUNDLED_CONTENT


def configured(args: argparse.Namespace) -> Settings:
    """Defaults, then the configuration file (required when named with --config)."""
    from kiosk.station.config import config_path, load_settings

    return load_settings(config_path(args.config), Settings(BUNDLED_CONTENT), required=bool(args.config))


def sound_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """Sound flags; without `defaults` an unset flag leaves the configuration's value."""
    parser.add_argument(
        "--rate",
        choices=["normal", "slow"],
        default="normal" if defaults else None,
        help="speech rate (default: normal)",
    )
    parser.add_argument(
        "--volume",
        type=int,
        choices=range(5),
        default=3 if defaults else None,
        metavar="0-4",
        help="volume step, 0 softest (-24 dB) to 4 loudest (0 dB); default 3 (-6 dB)",
    )
    parser.add_argument("--output-device", metavar="DEVICE", help="audio output device (default: system default)")
    parser.add_argument("--cache-dir", metavar="DIR", help="speech cache (default: ~/.cache/alt-kiosk)")
