"""A real ALSA audio path without a sound card: the `file` plugin as default device (see shared TESTING.md).

PortAudio reads ALSA's configuration when it starts, so code that plays or records runs in a
subprocess whose HOME holds the `.asoundrc`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from tests.support.paths import ROOT

ASOUNDRC = """
pcm.!default {{
    type file
    slave.pcm "null"
    file "{played}"
    infile "{heard}"
    format "raw"
}}
"""


def alsa_home(folder: Path, heard: bytes = b"\0" * 32000) -> Path:
    """A HOME whose default ALSA device writes everything played to `played.raw` in it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "heard.raw").write_bytes(heard)
    (folder / ".asoundrc").write_text(ASOUNDRC.format(played=folder / "played.raw", heard=folder / "heard.raw"))
    return folder


def played(home: Path) -> np.ndarray:
    path = home / "played.raw"
    return np.frombuffer(path.read_bytes(), dtype="<i2") if path.exists() else np.zeros(0, dtype=np.int16)


def wait_until_speaking(home: Path, seconds: float = 0.5, timeout: float = 10.0) -> None:
    """Return once `seconds` more of sound (22,050 Hz) has been played: the kiosk is speaking now."""
    target = len(played(home)) + int(22050 * seconds)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(played(home)) < target:
        time.sleep(0.02)


def run_program(name: str, params: Mapping[str, object], home: Path | None, timeout: float = 60) -> dict[str, object]:
    """Run the program `name` (tests/support/programs) with `params` in a fresh interpreter with
    HOME=`home` (None: no audio devices); it prints one JSON line, returned with its output."""
    env = {**os.environ, "HOME": str(home) if home else "/nonexistent", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", f"tests.support.programs.{name}", json.dumps(params)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no result; stdout={result.stdout!r} stderr={result.stderr!r}"
    data: dict[str, object] = json.loads(lines[-1])
    data["_stdout"] = result.stdout
    data["_stderr"] = result.stderr
    return data


def rms_db(samples: np.ndarray) -> float:
    if len(samples) == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    return 20 * float(np.log10(max(rms, 1e-6) / 32768))
