"""The kiosk's one configuration file (YAML), checked like content with file:line:column errors.

Default path: /etc/alt-kiosk/config.yaml, or $ALT_KIOSK_CONFIG, or --config. A missing file
means all defaults (the README's run command needs none).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import yaml

from kiosk.core.problems import InvalidFiles, Problem
from kiosk.core.yamlfile import YamlFile
from kiosk.panel import Panel
from kiosk.settings import Settings

DEFAULT_PATH = Path("/etc/alt-kiosk/config.yaml")
ENGINES = ("auto", "vosk", "pocketsphinx", "off")
RATES = ("normal", "slow")
KEYS = (
    "content_dir",
    "languages",
    "idle_seconds",
    "idle_warning_seconds",
    "sound",
    "volume",
    "rate",
    "output_device",
    "input_device",
    "speech_engine",
    "voice",
    "admin_pin_hash",
    "cache_dir",
    "state_dir",
    "touch_panel",
    "touch_font_size",
)


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
    fields = f.mapping(f.root, "config", optional=KEYS) or {}
    values: dict[str, object] = {"config_path": path}
    for name, (_, node) in fields.items():
        if name in ("content_dir", "cache_dir", "state_dir", "models_dir"):
            text = f.string(node, name)
            if text is not None:
                values[name] = (path.parent / text) if not text.startswith("/") else Path(text)
        elif name in ("idle_seconds", "idle_warning_seconds"):
            number = f.number(node, name, 5.0 if name == "idle_seconds" else 3.0, 3600.0)
            if number is not None:
                values[name] = number
        elif name == "volume":
            number = f.number(node, name, 0, 4)
            if number is not None and number == int(number):
                values["volume_step"] = int(number)
            elif number is not None:
                f.problem(node, "volume should be a whole number from 0 to 4")
        elif name == "rate":
            text = f.string(node, name)
            if text is not None and text not in RATES:
                f.problem(node, f"rate should be one of: {', '.join(RATES)}")
            elif text is not None:
                values["rate"] = text
        elif name == "sound":
            flag = f.boolean(node, name)
            if flag is not None:
                values["sound"] = flag
        elif name in ("output_device", "input_device", "admin_pin_hash"):
            if node.tag.endswith(":null"):
                values[name] = None
            else:
                text = f.string(node, name)
                if text is not None:
                    values[name] = text
        elif name == "touch_panel":
            text = f.string(node, name)
            if text is not None:
                try:
                    values[name] = Panel.parse(text)
                except ValueError as err:
                    f.problem(node, f"touch_panel: {err}")
        elif name == "touch_font_size":
            number = f.number(node, name, 8, 96)
            if number is not None:
                values[name] = int(number)
        elif name == "languages":
            named = f.strings(node, "languages")
            if named:
                values["languages"] = tuple(code for code, _ in named)
                values["language"] = named[0][0]
                marks = [(code, n.start_mark.line + 1, n.start_mark.column + 1) for code, n in named]
                values["language_marks"] = tuple(marks)
        elif name == "speech_engine":
            engines: dict[str, str] = {}
            for code, (_, value) in (f.mapping(node, "speech_engine", any_keys=True) or {}).items():
                engine = f.string(value, f"speech_engine: {code}")
                if engine is not None and engine not in ENGINES:
                    f.problem(value, f"speech_engine: {code} should be one of: {', '.join(ENGINES)}")
                elif engine is not None:
                    engines[code] = engine
            values["speech_engine"] = engines
        elif name == "voice":
            values["voice"] = _voices(f, node)
    if problems:
        raise InvalidFiles(problems)
    return replace(base, **values)  # type: ignore[arg-type]


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
    from kiosk.voice.voices import parse_spec

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
