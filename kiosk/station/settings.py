"""Run-time settings of one kiosk; defaults suit the README's run command."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.station.panel import Panel


def default_dir(systemd_variable: str, xdg_variable: str, home_fallback: str) -> Path:
    """systemd's directory for the service, else the XDG one, else under ~; always an `alt-kiosk` folder."""
    if os.environ.get(systemd_variable):
        return Path(os.environ[systemd_variable].split(":")[0])
    base = os.environ.get(xdg_variable) or str(Path.home() / home_fallback)
    return Path(base) / "alt-kiosk"


def default_cache_dir() -> Path:
    return default_dir("CACHE_DIRECTORY", "XDG_CACHE_HOME", ".cache")


CHECKOUT = Path(__file__).resolve().parents[2]
"""The source tree this kiosk runs from (a checkout, or the installed copy under /opt/alt-kiosk/src)."""
SERVICE_STATE_DIR = Path("/var/lib/alt-kiosk")
"""The service's StateDirectory (systemd/*.service)."""


def default_state_dir() -> Path:
    """The service's state folder for the service itself and for root on a kiosk box, so that `status`,
    `content apply` and `content install` see and approve what the kiosk serves; else the XDG one."""
    if not os.environ.get("STATE_DIRECTORY") and os.geteuid() == 0 and SERVICE_STATE_DIR.is_dir():
        return SERVICE_STATE_DIR
    return default_dir("STATE_DIRECTORY", "XDG_STATE_HOME", ".local/state")


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
    state_dir: Path = field(default_factory=default_state_dir)
    """Where the last good content and the admin lock-out are kept (never anything about a patient)."""
    languages: tuple[str, ...] = ()
    """Languages offered, in order; empty offers every language in the content."""
    language_marks: tuple[tuple[str, int, int], ...] = ()
    """Where the configuration names each of `languages` (code, line, column), for messages."""
    input_device: str | None = None
    """PortAudio input device name or number; None for the system default."""
    barge_in: bool = False
    """Listen while the kiosk speaks, through the echo canceller (kiosk.hearing.barge_in); False: half-duplex."""
    speech_engine: dict[str, str] = field(default_factory=dict)
    """Speech recognition per language: auto, vosk, pocketsphinx or off (missing means auto)."""
    voice: dict[str, str] = field(default_factory=dict)
    """Speech output per language: auto, piper, pyttsx3 or ENGINE:NAME (kiosk.speaking.voices; missing means auto)."""
    models_dir: Path = CHECKOUT / "models"
    """Where Vosk models are installed (see models/README.md)."""
    admin_pin_hash: str | None = None
    """Salted slow hash of the admin PIN (`alt-kiosk set-pin`); None: no admin screen."""
    touch_panel: Panel | None = None
    """Touch deployment: the panel's resolution (and height), when the kernel cannot tell (kiosk.station.panel)."""
    touch_font_size: int | None = None
    """Touch deployment: foot's font size, instead of the one chosen for the panel."""
    metrics_dir: Path | None = None
    """Where the kiosk writes its Prometheus textfile (kiosk.station.metrics), usually node_exporter's
    textfile folder (Debian: /var/lib/prometheus/node-exporter); None (the default, or `off`) writes none. A folder that does
    not exist turns metrics off with one journal line."""
    content_signers: Path | None = None
    """An OpenSSH allowed_signers file: content is served only when signed by a signer listed there
    (kiosk.station.signing); None (the default): signing is not required."""
    config_path: Path | None = None
    """The configuration file these settings came from, if any."""
