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


CONTENT_RULES = (
    "Content is refused, with one file:line:column line per problem, when a content file is not a regular "
    "file (a link, pipe, device, socket or folder), cannot be read by this user, is over 1 MiB, is not UTF-8 "
    "YAML, nests over 64 levels or holds over 20,000 values, breaks a check or a safety rule (the "
    "warning-signs question first and to the front desk, yes meaning yes, a disclaimer that says the kiosk "
    "does not diagnose, a front desk that sends the patient to staff now, and in any text of any language no "
    "diagnosis, no stopping medicines, no 'no need to see a doctor', no 'you are fine', no invisible or "
    "look-alike characters), or draws a screen that fails or does not show its own words (every screen is "
    "drawn at 40x12 and 80x24). See content/README.md."
)
