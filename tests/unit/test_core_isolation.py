"""What a module brings with it: the core (content, flow, intents) loads without Textual, audio or speech
libraries, and the phone-loop child without numpy (every megabyte of it is resident beside the kiosk)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.paths import ROOT


def heavy_imports(*modules: str) -> list[str]:
    command = [sys.executable, "-m", "tests.support.programs.light_imports", *modules]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(out.stdout)["loaded"]
    return loaded


def test_core_imports_no_ui_or_audio() -> None:
    assert heavy_imports("kiosk.core") == []


def test_phone_loop_child_imports_only_pocketsphinx() -> None:
    loaded = heavy_imports("kiosk.hearing.engines.phone_worker", "kiosk.hearing.engines.phone_loop", "pocketsphinx")
    assert {name.split(".")[0] for name in loaded} == {"pocketsphinx"}
