"""The core (content, flow, intents) loads without Textual or any audio or speech library."""

from __future__ import annotations

import subprocess
import sys

from tests.support.paths import ROOT


def test_core_imports_no_ui_or_audio() -> None:
    code = (
        "import sys, pkgutil, importlib, kiosk.core as core\n"
        "for m in pkgutil.iter_modules(core.__path__): importlib.import_module('kiosk.core.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "{'textual', 'rich', 'vosk', 'pyttsx3', 'sounddevice', 'pocketsphinx'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
