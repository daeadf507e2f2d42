"""Run-time settings of one kiosk (timeouts, mode); defaults suit the README's run command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
