"""Commands for staff and admins: status, set-pin, content install and rollback."""

from __future__ import annotations

import getpass
import grp
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

from kiosk.core.model import Content
from kiosk.core.problems import InvalidFiles
from kiosk.core.snapshot import MAX_FILE_BYTES, read_file
from kiosk.station.admin_pin import hash_pin, hash_problem, valid_pin
from kiosk.station.config import language_problems
from kiosk.station.content_store import ContentState, ContentStore
from kiosk.station.installer import USER
from kiosk.station.settings import Settings

UNITS = ("alt-kiosk.service", "alt-kiosk-touch.service")
"""The console unit and the touch unit: a box has one of them installed."""
SYSTEMD_RUNNING = Path("/run/systemd/system")


Report = tuple[list[str], bool]
"""Lines of `alt-kiosk status` about one part of the station, and whether that part is fine."""


def status(settings: Settings) -> Report:
    """Lines for staff, and whether everything is fine (False: something needs attention)."""
    store = ContentStore(settings.content_dir, settings.state_dir)
    lines: list[str] = []
    assessed, ok = _content_status(store, lines)
    packs = assessed.packs
    unit, state = service_state()
    for part_lines, part_ok in (
        _configuration(settings, packs),
        _speech_input(settings, packs),
        _noise_filter(),
        _barge_in(settings),
        _speech_output(settings, packs),
        _audio(settings),
        _admin_pin(settings),
        _service(unit, state),
        _backup(settings, store, assessed, state),
    ):
        lines += part_lines
        ok = ok and part_ok
    lines.append("status: OK" if ok else "status: NEEDS ATTENTION")
    return lines, ok


def _configuration(settings: Settings, packs: dict[str, Content]) -> Report:
    problems = language_problems(settings, packs) if packs else []
    return [f"configuration: REFUSED, {problem}" for problem in problems], not problems


def _speech_input(settings: Settings, packs: dict[str, Content]) -> Report:
    from kiosk.hearing.engines import choose

    engines = {code: choose(code, settings.speech_engine.get(code, "auto"), settings.models_dir) for code in packs}
    lines = [f"speech input {code}: {engine.description}" for code, engine in engines.items()]
    return lines, all(engine.usable for engine in engines.values())


def _noise_filter() -> Report:
    from kiosk.hearing.rnnoise import PACKAGE, library

    if library() is not None:
        return ["noise filter: RNNoise (cleans a steady noise, such as a fan)"], True
    return [
        f"noise filter: the simpler Wiener filter (RNNoise is not installed: pip install --no-deps {PACKAGE})"
    ], True


def _barge_in(settings: Settings) -> Report:
    """Whether the kiosk listens while it speaks (the running kiosk's own measure is on the staff screen)."""
    if not settings.barge_in:
        return ["barge-in: off (half-duplex: the microphone is ignored while the kiosk speaks)"], True
    if not settings.sound:
        return ["barge-in: off (sound is off)"], True
    from kiosk.hearing.echo import EchoUnavailable, speexdsp

    try:
        speexdsp()
    except EchoUnavailable as err:
        return [f"barge-in: NOT available: {err}"], False
    return ["barge-in: on (patients may answer over a prompt; the echo canceller removes the kiosk's voice)"], True


def _speech_output(settings: Settings, packs: dict[str, Content]) -> Report:
    espeak = shutil.which("espeak-ng") is not None
    lines = [
        f"speech output: {'on' if settings.sound else 'muted by configuration'}"
        f"{'' if espeak else ' - espeak-ng is NOT installed'}"
    ]
    if not settings.sound:
        return lines, True
    from kiosk.speaking.voices import choose_all

    chosen = choose_all(settings.voice, packs, settings.models_dir)
    for code, (voice, why) in chosen.items():
        lines.append(f"speech output {code}: {voice.spec} ({voice.source})" + (f" - {why}" if why else ""))
    return lines, espeak and all(why is None for _, why in chosen.values())


def _audio(settings: Settings) -> Report:
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
    return lines, bool(outputs) or not settings.sound


def _admin_pin(settings: Settings) -> Report:
    problem = hash_problem(settings.admin_pin_hash)
    if problem:
        return [f"admin PIN: INVALID in {settings.config_path} ({problem}); set it again: alt-kiosk set-pin"], False
    return [f"admin PIN: {'set' if settings.admin_pin_hash else 'not set (alt-kiosk set-pin)'}"], True


def _service(unit: str, state: str) -> Report:
    line = f"service: {state}" + (f" ({unit.removesuffix('.service')})" if unit else "")
    return [line], state in ("active", "not installed", "systemd not running")  # not failed, inactive, ...


def _backup(settings: Settings, store: ContentStore, assessed: ContentState, state: str) -> Report:
    """A running kiosk that could not save a last good copy of the content it serves."""
    if not assessed.packs or store.backup_is_current(assessed.snap):  # the folder as assessed, not read again
        return [], True
    line = (
        f"last good copy: none saved for the content in use, in {settings.state_dir}; the kiosk saves one when "
        "it starts or takes new content. If it is running, the state folder is full or read-only: a broken "
        "content folder would then stop the kiosk at its next start"
    )
    return [line], state != "active"


def _content_status(store: ContentStore, lines: list[str]) -> tuple[ContentState, bool]:
    """Lines about the content the kiosk serves (or would serve on start), and whether all is well."""
    folder = store.source
    try:
        state = store.assess()
    except InvalidFiles as err:
        state = ContentState({}, err.problems)  # refused, and no last good copy to fall back on
    if state.problems:
        lines.append(f"content: REFUSED, {len(state.problems)} problem(s) in {folder}; first: {state.problems[0]}")
        if not state.packs:
            lines.append("         and there is no last good copy: the kiosk cannot start")
            return state, False
    elif state.waiting:
        lines.append(f"content: WAITING in {folder}: " + "; ".join(state.waiting))
        lines.append("         check the folder, then `alt-kiosk content apply` to use it")
    else:
        lines.append(f"content: OK, {state.version.replace(',', ', ')} ({folder})")
        return state, True
    lines.append(f"         the kiosk serves the last good copy, {state.version} ({store.backup})")
    return state, False


def service_state() -> tuple[str, str]:
    """(the kiosk's unit on this box, its state): the unit that runs, else the one installed (console or touch)."""
    if shutil.which("systemctl") is None or not SYSTEMD_RUNNING.is_dir():
        return "", "systemd not running"
    found: list[tuple[str, str]] = []
    for unit in UNITS:
        state = subprocess.run(["systemctl", "is-active", unit], capture_output=True, text=True, check=False)
        enabled = subprocess.run(["systemctl", "is-enabled", unit], capture_output=True, text=True, check=False)
        if "not-found" in enabled.stdout + enabled.stderr and state.stdout.strip() == "inactive":
            continue  # not installed
        found.append((unit, state.stdout.strip() or "unknown"))
    running = [item for item in found if item[1] == "active"]
    return (running or found or [("", "not installed")])[0]


def set_pin(config: Path, pin: str | None) -> str:
    """Store a salted slow hash of a new PIN in the configuration file (creating it if needed)."""
    if pin is None:
        pin = getpass.getpass("New staff PIN (4-12 digits): ")
        if getpass.getpass("Again: ") != pin:
            raise ValueError("the two PINs differ")
    if not valid_pin(pin):
        raise ValueError("a PIN is 4 to 12 digits")
    line = f'admin_pin_hash: "{hash_pin(pin)}"'
    raw = read_file(config, limit=MAX_FILE_BYTES, follow=True) if os.path.lexists(config) else b""
    if isinstance(raw, str):
        raise ValueError(f"{config}: {raw}")
    text = raw.decode("utf-8", "replace")
    if re.search(r"^admin_pin_hash:.*$", text, flags=re.M):
        text = re.sub(r"^admin_pin_hash:.*$", line, text, flags=re.M)
    else:
        text = text + ("" if text.endswith("\n") or not text else "\n") + line + "\n"
    config.parent.mkdir(parents=True, exist_ok=True)
    target = config.resolve()  # a linked configuration is changed where it lives, the link kept
    owner, group, mode = _ownership(target)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    if os.geteuid() == 0:
        os.chown(tmp, owner, group)
    tmp.chmod(mode)
    tmp.replace(target)
    return f"PIN set in {config}; send the service SIGHUP (systemctl reload alt-kiosk) to use it"


def _ownership(config: Path) -> tuple[int, int, int]:
    """The owner, group and mode the new configuration keeps: the old file's, so the service can still
    read it; for a new file, root and the service's group (when it exists), 0640."""
    try:
        st = config.stat()
        return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)
    except FileNotFoundError:
        try:
            group = grp.getgrnam(USER).gr_gid
        except KeyError:
            group = os.getegid()
        return os.geteuid(), group, 0o640
