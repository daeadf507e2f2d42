"""The core (content, flow, intents) loads without Textual or any audio or speech library."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.paths import ROOT


def test_core_imports_no_ui_or_audio() -> None:
    command = [sys.executable, "-m", "tests.support.programs.core_imports"]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == {"loaded": []}
