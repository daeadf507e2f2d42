"""The content fuzzer (bench/content_fuzz.py), short: run as the service user, so permissions bind.

For every case the kiosk serves the new content or the last good copy within 2 s (hot and at start),
never raises, never blocks, never reads past the limit. `scripts/bench` runs the long version.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest

from tests.support.paths import ROOT
from tests.support.service_user import as_service_user

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="runs as another user (needs root to switch)")

CASES = 300


def test_whatever_is_in_the_content_folder_the_kiosk_serves_good_content_in_time() -> None:
    work = tempfile.mkdtemp(prefix="content-fuzz-run-")
    os.chmod(work, 0o777)
    env = {"TMPDIR": work, "HOME": work, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        as_service_user([sys.executable, "-m", "bench.content_fuzz", "--cases", str(CASES), "--seed", "1"], env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| findings | 0 |" in result.stdout and "| hot check: refused |" in result.stdout
    for kind in ("named pipe", "no permission", "huge (sparse) file", "deep nesting", "link to /dev/zero"):
        assert f"| fault: {kind}" in result.stdout, kind  # every kind of fault was tried
