"""Metrics for Prometheus: a textfile for node_exporter's textfile collector.

The kiosk writes `alt_kiosk.prom` into the collector's folder (Debian's prometheus-node-exporter reads
/var/lib/prometheus/node-exporter) at start, on every change of state and at least once a minute, to a
temporary file then renamed, so a scrape never reads half a file.

Nothing here derives from a patient's answers: no count of front-desk escalations, tips shown, answers
by kind or of how sessions ended, and no timing of a session's steps. Two patients who answer
differently leave the same file, but for the session counters and the time stamps (README, "Running many
kiosks").
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("kiosk.metrics")

FILE = "alt_kiosk.prom"
PREFIX = "alt_kiosk"
EVERY_SECONDS = 60.0
"""The file is written at least this often, so a stale file shows a kiosk that stopped writing."""
CONTENT_STATES = ("ok", "waiting", "refused")


@dataclass(frozen=True)
class Language:
    content_version: str
    content_state: str
    """One of CONTENT_STATES: its content in use, valid but waiting for `content apply`, or refused."""
    voice_in: bool
    """Speech recognition is up for this language."""
    voice_out: str | None
    """The voice that speaks it (engine:name), None when it is not spoken."""


@dataclass(frozen=True)
class Station:
    """What the running kiosk is, at one moment: nothing about any patient."""

    version: str
    languages: dict[str, Language]
    content_live_since: float
    """Unix time the content in use went live."""
    sound: bool
    microphone: bool
    barge_in: bool
    speech_cache_ready: bool
    content_signer: str = ""
    """Who signed the content that went live ("" when signing is off or it predates this run)."""
    content_signed: str = ""
    """When they signed it (UTC, ISO 8601, as their manifest says)."""


@dataclass
class Counters:
    """Events since this process started (Prometheus counters start again at a restart)."""

    sessions_started: int = 0
    sessions_ended: int = 0
    pin_lockouts: int = 0
    started_at: float = field(default_factory=time.time)


def render(station: Station, counters: Counters) -> str:
    """The Prometheus text exposition of `station` and `counters`."""
    out: list[str] = []

    def metric(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> None:
        out.append(f"# HELP {PREFIX}_{name} {help_text}")
        out.append(f"# TYPE {PREFIX}_{name} {kind}")
        out.extend(f"{PREFIX}_{name}{labels} {_number(value)}" for labels, value in samples)

    languages = sorted(station.languages.items())
    metric("up", "gauge", "1 while the kiosk runs and writes this file.", [("", 1)])
    metric("build_info", "gauge", "The installed alt-kiosk's version.", [(_labels(version=station.version), 1)])
    metric("start_time_seconds", "gauge", "Unix time the kiosk process started.", [("", counters.started_at)])
    metric(
        "content_info",
        "gauge",
        "The version of the content served, per language.",
        [(_labels(language=code, version=lang.content_version), 1) for code, lang in languages],
    )
    metric(
        "content_state",
        "gauge",
        "1 for the state of each language's content: ok (in use), waiting (for content apply), refused.",
        [
            (_labels(language=code, state=state), int(lang.content_state == state))
            for code, lang in languages
            for state in CONTENT_STATES
        ],
    )
    metric(
        "content_live_timestamp_seconds",
        "gauge",
        "Unix time the content in use went live.",
        [("", station.content_live_since)],
    )
    metric(
        "content_signed_info",
        "gauge",
        "1, labelled with the clinician who signed the content that went live and when (none when signing is off).",
        [(_labels(signer=station.content_signer, signed=station.content_signed), 1)] if station.content_signer else [],
    )
    metric("sound_up", "gauge", "1 when the kiosk can speak (a speaker works).", [("", int(station.sound))])
    metric("microphone_up", "gauge", "1 when the microphone is open.", [("", int(station.microphone))])
    metric(
        "voice_input_up",
        "gauge",
        "1 when speech recognition is up for the language.",
        [(_labels(language=code), int(lang.voice_in)) for code, lang in languages],
    )
    metric(
        "voice_output_up",
        "gauge",
        "1 when the language is spoken.",
        [(_labels(language=code), int(lang.voice_out is not None)) for code, lang in languages],
    )
    metric(
        "voice_output_info",
        "gauge",
        "The voice that speaks each language (engine:name).",
        [(_labels(language=code, voice=lang.voice_out), 1) for code, lang in languages if lang.voice_out],
    )
    metric("barge_in_up", "gauge", "1 when patients may answer over a prompt.", [("", int(station.barge_in))])
    metric(
        "speech_cache_ready",
        "gauge",
        "1 when every prompt is rendered ahead.",
        [("", int(station.speech_cache_ready))],
    )
    metric("sessions_started_total", "counter", "Sessions started.", [("", counters.sessions_started)])
    metric("sessions_ended_total", "counter", "Sessions ended or wiped.", [("", counters.sessions_ended)])
    metric("pin_lockouts_total", "counter", "Staff screen lock-outs after wrong PINs.", [("", counters.pin_lockouts)])
    return "\n".join(out) + "\n"


class TextfileWriter:
    """Writes the file when what it says changed, and at least every `EVERY_SECONDS`."""

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._last = ""
        self._written_at = 0.0
        self._failed: str | None = None

    def update(self, folder: Path | None, station: Station, counters: Counters, now: float | None = None) -> bool:
        """Write into `folder` (None: nowhere) if due; returns whether it wrote. A new folder (a reload
        changed it) is written at once."""
        if folder != self._folder:
            self._folder, self._last = folder, ""
        if folder is None:
            return False
        if not folder.is_dir():
            if self._failed != "missing":
                log.info("metrics off: no folder %s (install prometheus-node-exporter, or set metrics_dir)", folder)
            self._failed = "missing"
            return False
        now = time.monotonic() if now is None else now
        text = render(station, counters)
        if text == self._last and now - self._written_at < EVERY_SECONDS:
            return False
        try:
            _write(folder / FILE, text)
        except OSError as err:
            reason = f"{folder}: {err.strerror or err}"
            if reason != self._failed:
                log.error("metrics not written: %s", reason)
            self._failed = reason
            return False
        if self._failed is not None:
            log.info("metrics written again to %s", folder)
        self._failed, self._last, self._written_at = None, text, now
        return True


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a temporary file in the same folder, renamed over the old one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o644)  # node_exporter runs as its own user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _labels(**labels: str | None) -> str:
    inner = ",".join(f'{key}="{_escape(str(value))}"' for key, value in labels.items())
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
