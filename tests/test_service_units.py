"""The systemd units: they verify, a broken copy does not, and they are hardened (exposure scores)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main

from .conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
UNITS = ROOT / "systemd"
ALT_KIOSK = str(Path(sys.executable).parent / "alt-kiosk")


def localised(unit: str, folder: Path, extra: tuple[str, str] | None = None) -> Path:
    """A copy whose programs exist on this machine (verify checks that ExecStart's binary exists)."""
    text = (UNITS / unit).read_text()
    text = text.replace("/opt/alt-kiosk/venv/bin/alt-kiosk", ALT_KIOSK)
    text = text.replace("/usr/bin/cage -s -- /usr/bin/foot --config=/etc/alt-kiosk/foot.ini", "/bin/sh -c true")
    if extra:
        text = text.replace(*extra)
    path = folder / unit
    path.write_text(text)
    return path


def verify(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", "verify", "--recursive-errors=no", str(path)], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("unit", ["alt-kiosk.service", "alt-kiosk-touch.service"])
def test_units_verify(unit: str, tmp_path: Path) -> None:
    result = verify(localised(unit, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr and "ignoring" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    "breakage", [("Restart=always", "Restartt=always"), ("Type=notify", "Type=notifyy"), ("[Service]", "[Servise]")]
)
def test_a_broken_copy_fails_verify(breakage: tuple[str, str], tmp_path: Path) -> None:
    result = verify(localised("alt-kiosk.service", tmp_path, breakage))
    assert result.returncode != 0 or "ignoring" in result.stderr or "Unknown" in result.stderr, result.stderr


def exposure(unit: str) -> float:
    out = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(UNITS / unit)], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", out)
    assert match, out[-500:]
    return float(match.group(1))


def test_console_unit_is_well_hardened() -> None:
    assert exposure("alt-kiosk.service") <= 1.5


def test_touch_unit_is_hardened_as_far_as_a_compositor_allows() -> None:
    assert exposure("alt-kiosk-touch.service") <= 2.5


def test_console_unit_essentials() -> None:
    text = (UNITS / "alt-kiosk.service").read_text()
    for line in (
        "Type=notify",
        "WatchdogSec=",
        "Restart=always",
        "StartLimitBurst=",
        "User=alt-kiosk",
        "SupplementaryGroups=audio",
        "StateDirectory=alt-kiosk",
        "CacheDirectory=alt-kiosk",
        "ConfigurationDirectory=alt-kiosk",
        "TTYPath=/dev/tty1",
        "PrivateNetwork=yes",
        "RestartPreventExitStatus=75",
        "ExecReload=/bin/kill -HUP $MAINPID",
    ):
        assert line in text, line


def test_service_install_dry_run_prints_every_step_and_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    for touch in ([], ["--touch"]):
        assert main(["service", "install", "--dry-run", *touch]) == 0
        out = capsys.readouterr().out
        assert "apt-get install" in out and "useradd --system" in out and "python3 -m venv /opt/alt-kiosk/venv" in out
        assert "write /etc/alt-kiosk/config.yaml (if missing)" in out
        assert "systemctl enable --now alt-kiosk" + ("-touch" if touch else "") + ".service" in out
        assert ("cage" in out) == bool(touch)
        assert out.rstrip().endswith("dry run: nothing was changed")
    assert not Path("/opt/alt-kiosk").exists() or Path("/opt/alt-kiosk/venv/bin/alt-kiosk").exists()
