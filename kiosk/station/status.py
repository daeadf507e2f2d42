"""`alt-kiosk status`: lines for staff, the same as data for a fleet's tools (`--json`), and whether all is well.

Each part of the station gives its lines, whether it is fine, and its fields of the JSON document
(`docs/status.schema.json` is the schema; README, "alt-kiosk status --json", says what each field means).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.core.model import Content
from kiosk.core.problems import InvalidFiles, Problem
from kiosk.station.admin_pin import LOCK_FILE, PinGuard, hash_problem
from kiosk.station.config import language_problems
from kiosk.station.content_check import kept_verdict
from kiosk.station.content_store import ContentState, ContentStore, language_state, state_name
from kiosk.station.ops import service_state
from kiosk.station.settings import Settings

SCHEMA = 1
"""Raised only when a field changes meaning or goes; new fields may appear at any time."""
MIN_FREE = 50_000_000
"""Less free space than this where the kiosk writes needs attention (a last good copy, a cached prompt)."""


@dataclass
class Part:
    lines: list[str]
    ok: bool = True
    fields: dict[str, Any] = field(default_factory=dict)
    languages: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Fields of `languages.<code>` this part knows."""


def status(settings: Settings) -> tuple[list[str], bool]:
    """Lines for staff, and whether everything is fine (False: something needs attention)."""
    lines, ok, _ = assess(settings)
    return lines, ok


def status_json(settings: Settings) -> tuple[str, bool]:
    """The same as a JSON document, and whether everything is fine."""
    _, ok, data = assess(settings)
    return json.dumps(data, indent=2, ensure_ascii=False), ok


def refused_json(problems: list[Problem]) -> str:
    """The document when the configuration itself is refused: only schema, version, ok and configuration."""
    data = {
        "schema": SCHEMA,
        "version": __version__,
        "ok": False,
        "configuration": {"problems": [str(p) for p in problems]},
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def assess(settings: Settings) -> tuple[list[str], bool, dict[str, Any]]:
    # What the kiosk found when it rendered this content (status never renders: it reads the verdict kept).
    store = ContentStore(
        settings.content_dir, settings.state_dir, settings.content_signers, kept_verdict(settings.state_dir)
    )
    content, assessed = _content(store)
    packs = assessed.packs
    unit, state = service_state()
    parts = [
        content,
        _configuration(settings, packs),
        _speech_input(settings, packs),
        _noise_filter(),
        _barge_in(settings),
        _speech_output(settings, packs),
        _audio(settings),
        _admin_pin(settings),
        _service(unit, state),
        _backup(settings, store, assessed, state),
        _disk(settings),
    ]
    ok = all(part.ok for part in parts)
    lines = [line for part in parts for line in part.lines]
    lines.append("status: OK" if ok else "status: NEEDS ATTENTION")
    data: dict[str, Any] = {"schema": SCHEMA, "version": __version__, "ok": ok}
    for part in parts:
        data.update(part.fields)
    data["languages"] = {code: {} for code in packs}
    for part in parts:
        for code, fields in part.languages.items():
            data["languages"][code].update(fields)
    for fields in data["languages"].values():
        fields.setdefault("voice_out", None)  # sound is off
    return lines, ok, data


def _content(store: ContentStore) -> tuple[Part, ContentState]:
    """The content the kiosk serves (or would serve on start)."""
    folder = store.source
    try:
        state = store.assess()
    except InvalidFiles as err:
        state = ContentState({}, err.problems)  # refused, and no last good copy to fall back on
    fields: dict[str, Any] = {
        "state": state_name(state.problems, state.waiting),
        "folder": str(folder),
        "reasons": [str(p) for p in state.problems] or list(state.waiting),
        "serving": None if not state.packs else "last good copy" if state.problems or state.waiting else "folder",
        "versions": {code: pack.version for code, pack in state.packs.items()},
        "signing_required": store.signers is not None,
        "signed": {"by": state.signature.signer, "at": state.signature.signed} if state.signature else None,
    }
    languages = {}
    for code, pack in state.packs.items():
        name, reasons = language_state(code, state.problems, state.waiting, folder)
        languages[code] = {"content_state": name, "reasons": reasons, "content_version": pack.version}
    part = Part([], False, {"content": fields}, languages)
    if state.problems:
        part.lines.append(f"content: REFUSED, {len(state.problems)} problem(s) in {folder}; first: {state.problems[0]}")
        if not state.packs:
            part.lines.append("         and there is no last good copy: the kiosk cannot start")
            return part, state
    elif state.waiting:
        part.lines.append(f"content: WAITING in {folder}: " + "; ".join(state.waiting))
        part.lines.append("         check the folder, then `alt-kiosk content apply` to use it")
    else:
        signed = f", signed by {state.signature.signer} at {state.signature.signed}" if state.signature else ""
        part.lines.append(f"content: OK, {state.version.replace(',', ', ')} ({folder}){signed}")
        part.ok = True
        return part, state
    part.lines.append(f"         the kiosk serves the last good copy, {state.version} ({store.backup})")
    return part, state


def _configuration(settings: Settings, packs: dict[str, Content]) -> Part:
    problems = language_problems(settings, packs) if packs else []
    lines = [f"configuration: REFUSED, {problem}" for problem in problems]
    return Part(lines, not problems, {"configuration": {"problems": [str(p) for p in problems]}})


def _speech_input(settings: Settings, packs: dict[str, Content]) -> Part:
    from kiosk.hearing.engines import choose

    engines = {code: choose(code, settings.speech_engine.get(code, "auto"), settings.models_dir) for code in packs}
    lines = [f"speech input {code}: {engine.description}" for code, engine in engines.items()]
    languages = {
        code: {
            "voice_in": {
                "engine": "off" if engine.load is None else engine.description.split()[0].rstrip(":,"),
                "usable": engine.usable,
                "description": engine.description,
            }
        }
        for code, engine in engines.items()
    }
    return Part(lines, all(engine.usable for engine in engines.values()), languages=languages)


def _noise_filter() -> Part:
    from kiosk.hearing.rnnoise import PACKAGE, library

    if library() is not None:
        return Part(["noise filter: RNNoise (cleans a steady noise, such as a fan)"], True, {"noise_filter": "rnnoise"})
    line = f"noise filter: the simpler Wiener filter (RNNoise is not installed: pip install --no-deps {PACKAGE})"
    return Part([line], True, {"noise_filter": "wiener"})


def _barge_in(settings: Settings) -> Part:
    """Whether the kiosk listens while it speaks (the running kiosk's own measure is on the staff screen)."""

    def part(line: str, state: str, reason: str | None, ok: bool = True) -> Part:
        return Part([f"barge-in: {line}"], ok, {"barge_in": {"state": state, "reason": reason}})

    if not settings.barge_in:
        return part("off (half-duplex: the microphone is ignored while the kiosk speaks)", "off", "configuration")
    if not settings.sound:
        return part("off (sound is off)", "off", "sound is off")
    from kiosk.hearing.echo import EchoUnavailable, speexdsp

    try:
        speexdsp()
    except EchoUnavailable as err:
        return part(f"NOT available: {err}", "unavailable", str(err), ok=False)
    return part("on (patients may answer over a prompt; the echo canceller removes the kiosk's voice)", "on", None)


def _speech_output(settings: Settings, packs: dict[str, Content]) -> Part:
    espeak = shutil.which("espeak-ng") is not None
    part = Part(
        [
            f"speech output: {'on' if settings.sound else 'muted by configuration'}"
            f"{'' if espeak else ' - espeak-ng is NOT installed'}"
        ],
        True,
        {"sound": {"enabled": settings.sound, "espeak_ng": espeak}},
    )
    if not settings.sound:
        return part
    from kiosk.speaking.voices import choose_all

    chosen = choose_all(settings.voice, packs, settings.models_dir)
    for code, (voice, why) in chosen.items():
        part.lines.append(f"speech output {code}: {voice.spec} ({voice.source})" + (f" - {why}" if why else ""))
        part.languages[code] = {"voice_out": {"engine": voice.engine, "voice": voice.name, "problem": why}}
    part.ok = espeak and all(why is None for _, why in chosen.values())
    return part


def _audio(settings: Settings) -> Part:
    lines = []
    try:
        import sounddevice as sd

        devices = sd.query_devices()
        outputs = [d["name"] for d in devices if d["max_output_channels"] > 0]
        inputs = [d["name"] for d in devices if d["max_input_channels"] > 0]
    except Exception as err:  # no PortAudio at all
        outputs, inputs = [], []
        lines.append(f"audio: PortAudio unavailable ({err})")
    lines.append(f"audio output: {', '.join(outputs) if outputs else 'NONE found'}")
    lines.append(f"audio input: {', '.join(inputs) if inputs else 'NONE found'}")
    fields = {
        "speaker": {"present": bool(outputs), "devices": outputs},
        "microphone": {"present": bool(inputs), "devices": inputs},
    }
    return Part(lines, bool(outputs) or not settings.sound, fields)


def _admin_pin(settings: Settings) -> Part:
    problem = hash_problem(settings.admin_pin_hash)
    locked_for = PinGuard(lambda: None, settings.state_dir / LOCK_FILE, read_only=True).locked_for()
    fields = {
        "pin": {
            "set": settings.admin_pin_hash is not None,
            "valid": problem is None,
            "locked": locked_for > 0,
            "locked_for_s": round(locked_for),
        }
    }
    if problem:
        line = f"admin PIN: INVALID in {settings.config_path} ({problem}); set it again: alt-kiosk set-pin"
        return Part([line], False, fields)
    line = f"admin PIN: {'set' if settings.admin_pin_hash else 'not set (alt-kiosk set-pin)'}"
    if locked_for > 0:
        line += f"; LOCKED after wrong PINs for {locked_for / 60:.0f} more min"
    return Part([line], True, fields)


def _service(unit: str, state: str) -> Part:
    line = f"service: {state}" + (f" ({unit.removesuffix('.service')})" if unit else "")
    ok = state in ("active", "not installed", "systemd not running")  # not failed, inactive, ...
    return Part([line], ok, {"service": {"unit": unit or None, "state": state}})


def _backup(settings: Settings, store: ContentStore, assessed: ContentState, state: str) -> Part:
    """A running kiosk that could not save a last good copy of the content it serves."""
    current = not assessed.packs or store.backup_is_current(assessed.snap)  # the folder as assessed, not read again
    fields = {"last_good_copy": {"folder": str(store.backup), "current": bool(assessed.packs) and current}}
    if current:
        return Part([], True, fields)
    line = (
        f"last good copy: none saved for the content in use, in {settings.state_dir}; the kiosk saves one when "
        "it starts or takes new content. If it is running, the state folder is full or read-only: a broken "
        "content folder would then stop the kiosk at its next start"
    )
    return Part([line], state != "active", fields)


def _disk(settings: Settings) -> Part:
    """Free space where the kiosk writes (its state and its speech cache); the nearest existing folder."""
    fields: dict[str, Any] = {}
    words = []
    for name, folder in (("state", settings.state_dir), ("cache", settings.cache_dir)):
        existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("/"))
        usage = shutil.disk_usage(existing)
        fields[name] = {"folder": str(folder), "free_bytes": usage.free, "total_bytes": usage.total}
        words.append(f"{name} {usage.free / 1e9:.1f} GB free" + (" - NEARLY FULL" if usage.free < MIN_FREE else ""))
    ok = all(f["free_bytes"] >= MIN_FREE for f in fields.values())
    return Part([f"disk: {', '.join(words)}"], ok, {"disk": fields})
