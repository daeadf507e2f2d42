"""The kiosk's one configuration file (YAML), checked like content with file:line:column errors.

Default path: /etc/alt-kiosk/config.yaml, or $ALT_KIOSK_CONFIG, or --config. A missing file
means all defaults (the README's run command needs none).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import yaml
from yaml.nodes import Node

from kiosk.core.problems import InvalidFiles, Problem
from kiosk.core.yamlfile import YamlFile
from kiosk.station.panel import Panel
from kiosk.station.settings import Settings

DEFAULT_PATH = Path("/etc/alt-kiosk/config.yaml")
ENGINES = ("auto", "vosk", "pocketsphinx", "off")
RATES = ("normal", "slow")


def config_path(flag: str | None) -> Path:
    return Path(flag or os.environ.get("ALT_KIOSK_CONFIG") or DEFAULT_PATH)


def load_settings(path: Path, base: Settings, required: bool = False) -> Settings:
    """`base` with whatever the file at `path` sets; raise InvalidFiles on any problem."""
    if not path.exists() and not required:
        return replace(base, config_path=path)
    problems: list[Problem] = []
    f = YamlFile.at(path, str(path), problems, follow=True)
    if f.root is None:
        raise InvalidFiles(problems)
    fields = f.mapping(f.root, "config", optional=tuple(READERS)) or {}
    values: dict[str, object] = {"config_path": path}
    for name, (_, node) in fields.items():
        values.update(READERS[name](f, name, node, path.parent))
    if problems:
        raise InvalidFiles(problems)
    return replace(base, **values)  # type: ignore[arg-type]


# One reader per key: the settings it sets (nothing, and a problem in `f`, when the value is bad).
Reader = Callable[[YamlFile, str, Node, Path], dict[str, object]]


def _folder(f: YamlFile, name: str, node: Node, here: Path) -> dict[str, object]:
    text = f.string(node, name)
    return {} if text is None else {name: Path(text) if text.startswith("/") else here / text}


def _seconds(f: YamlFile, name: str, node: Node, _: Path) -> dict[str, object]:
    number = f.number(node, name, 5.0 if name == "idle_seconds" else 3.0, 3600.0)
    return {} if number is None else {name: number}


def _volume(f: YamlFile, name: str, node: Node, _: Path) -> dict[str, object]:
    number = f.number(node, name, 0, 4)
    if number is not None and number != int(number):
        f.problem(node, "volume should be a whole number from 0 to 4")
        return {}
    return {} if number is None else {"volume_step": int(number)}


def _rate(f: YamlFile, name: str, node: Node, _: Path) -> dict[str, object]:
    text = f.string(node, name)
    if text is not None and text not in RATES:
        f.problem(node, f"rate should be one of: {', '.join(RATES)}")
        return {}
    return {} if text is None else {name: text}


def _folder_or_off(f: YamlFile, name: str, node: Node, here: Path) -> dict[str, object]:
    """A folder, or `off` (YAML reads a bare off as false) for none."""
    if _null(node) or (node.tag.endswith(":bool") and f.boolean(node, name) is False) or node.value == "off":
        return {name: None}
    return _folder(f, name, node, here)


def _flag(f: YamlFile, name: str, node: Node, _: Path) -> dict[str, object]:
    flag = f.boolean(node, name)
    return {} if flag is None else {name: flag}


def _null(node: Node) -> bool:
    """`key: null` (or `key:`): the default, as README's example writes it."""
    return node.tag.endswith(":null")


def _text_or_null(f: YamlFile, name: str, node: Node, _: Path) -> dict[str, object]:
    if _null(node):
        return {name: None}
    text = f.string(node, name)
    return {} if text is None else {name: text}


def _panel(f: YamlFile, name: str, node: Node, _: Path) -> dict[str, object]:
    if _null(node):
        return {name: None}
    text = f.string(node, name)
    try:
        return {} if text is None else {name: Panel.parse(text)}
    except ValueError as err:
        f.problem(node, f"touch_panel: {err}")
        return {}


def _font_size(f: YamlFile, name: str, node: Node, _: Path) -> dict[str, object]:
    if _null(node):
        return {name: None}
    number = f.number(node, name, 8, 96)
    return {} if number is None else {name: int(number)}


def _languages(f: YamlFile, name: str, node: Node, _: Path) -> dict[str, object]:
    named = f.strings(node, name)
    if not named:
        return {}
    marks = tuple((code, n.start_mark.line + 1, n.start_mark.column + 1) for code, n in named)
    return {"languages": tuple(code for code, _ in named), "language": named[0][0], "language_marks": marks}


def _engines(f: YamlFile, name: str, node: Node, here: Path) -> dict[str, object]:
    engines: dict[str, str] = {}
    for code, (_, value) in (f.mapping(node, name, any_keys=True) or {}).items():
        engine = f.string(value, f"speech_engine: {code}")
        if engine is not None and engine not in ENGINES:
            f.problem(value, f"speech_engine: {code} should be one of: {', '.join(ENGINES)}")
        elif engine is not None:
            engines[code] = engine
    return {name: engines}


READERS: dict[str, Reader] = {  # in README's order; `config: unknown key` lists them so too
    "content_dir": _folder,
    "state_dir": _folder,
    "languages": _languages,
    "idle_seconds": _seconds,
    "idle_warning_seconds": _seconds,
    "volume": _volume,
    "rate": _rate,
    "sound": _flag,
    "output_device": _text_or_null,
    "input_device": _text_or_null,
    "barge_in": _flag,
    "speech_engine": _engines,
    "voice": lambda f, name, node, _: {name: _voices(f, node)},
    "touch_panel": _panel,
    "touch_font_size": _font_size,
    "cache_dir": _folder,
    "admin_pin_hash": _text_or_null,
    "metrics_dir": _folder_or_off,
    "content_signers": _folder_or_off,  # a file (OpenSSH allowed_signers), named as a folder is
}


def language_problems(settings: Settings, codes: Iterable[str]) -> list[Problem]:
    """A configured language the content does not have (`codes`), at its place in the configuration."""
    have = sorted(codes)
    where = str(settings.config_path)
    return [
        Problem(where, line, column, f"languages: no language {code!r} in the content (it has: {', '.join(have)})")
        for code, line, column in settings.language_marks
        if code not in have
    ]


def _voices(f: YamlFile, node: yaml.Node) -> dict[str, str]:
    """`voice:` - per language auto, piper, pyttsx3 or ENGINE:NAME (whether it is installed is checked at start)."""
    from kiosk.speaking.voices import parse_spec

    voices: dict[str, str] = {}
    for code, (_, value) in (f.mapping(node, "voice", any_keys=True) or {}).items():
        text = f.string(value, f"voice: {code}")
        if text is None:
            continue
        try:
            parse_spec(text)
            voices[code] = text.strip()
        except ValueError as err:
            f.problem(value, f"voice: {code}: {err}")
    return voices
