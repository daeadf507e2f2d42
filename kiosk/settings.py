"""Run-time settings of one kiosk; defaults suit the README's run command."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def default_cache_dir() -> Path:
    """systemd's CacheDirectory, else XDG_CACHE_HOME, else ~/.cache; always an `alt-kiosk` folder."""
    if os.environ.get("CACHE_DIRECTORY"):
        return Path(os.environ["CACHE_DIRECTORY"].split(":")[0])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "alt-kiosk"


@dataclass(frozen=True)
class Settings:
    content_dir: Path
    kiosk_mode: bool = False
    """Locked down: no key a patient can press leaves the app."""
    language: str = "en"
    """The language a new session starts in."""
    idle_seconds: float = 60.0
    """Quiet time on any screen but the welcome before the idle warning appears."""
    idle_warning_seconds: float = 20.0
    """How long the idle warning counts down before the session is wiped."""
    tap_guard_seconds: float = 0.35
    """Presses this soon after a new screen appears are ignored (a double tap answers once)."""
    sound: bool = True
    """False mutes the kiosk (staff setting): screen and touch only."""
    output_device: str | None = None
    """PortAudio output device name or number; None for the system default."""
    volume_step: int = 3
    """Default volume step, 0 (softest, -24 dB) to 4 (loudest, 0 dB); every session starts here."""
    rate: str = "normal"
    """Default speech rate, "normal" or "slow"; every session starts here."""
    cache_dir: Path = field(default_factory=default_cache_dir)
    """Where rendered speech is kept between runs (bounded in size)."""
