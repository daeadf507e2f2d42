"""The systemd units: they verify, a broken copy does not, and they are hardened (exposure scores)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main
from tests.support.paths import ROOT

pytestmark = pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
UNITS = ROOT / "systemd"
ALT_KIOSK = str(Path(sys.executable).parent / "alt-kiosk")


def localised(unit: str, folder: Path, extra: tuple[str, str] | None = None) -> Path:
    """A copy whose programs exist on this machine (verify checks that ExecStart's binary exists)."""
    text = (UNITS / unit).read_text()
    text = text.replace("/opt/alt-kiosk/venv/bin/alt-kiosk", ALT_KIOSK)
    text = text.replace("/usr/bin/cage -d -s -- /usr/bin/foot --config=/run/alt-kiosk/foot.ini", "/bin/sh -c true")
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
        "ExecReload=/bin/sh -c 'kill -HUP $$MAINPID'",
    ):
        assert line in text, line


def test_service_install_dry_run_prints_every_step_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "kiosk.station.installer.package_version", lambda name: {"foot": "1.21.0-1", "cage": "0.2.0-1"}[name]
    )
    for touch in ([], ["--touch"]):
        assert main(["service", "install", "--dry-run", *touch]) == 0
        out = capsys.readouterr().out
        assert "apt-get install" in out and "useradd --system" in out and "python3 -m venv /opt/alt-kiosk/venv" in out
        assert "write /etc/alt-kiosk/config.yaml (if missing)" in out
        assert "systemctl enable --now alt-kiosk" + ("-touch" if touch else "") + ".service" in out
        assert ("cage" in out) == bool(touch)
        assert ("foot --check-config --config=/etc/alt-kiosk/foot.ini" in out) == bool(touch)
        assert out.rstrip().endswith("dry run: nothing was changed")
    assert not Path("/opt/alt-kiosk").exists() or Path("/opt/alt-kiosk/venv/bin/alt-kiosk").exists()


@pytest.mark.parametrize(
    ("foot", "cage"), [("1.13.1-2+deb12u1", "0.1.4-4"), ("1.21.0-1", "0.1.4-4"), (None, "0.2.0-1")]
)
def test_touch_install_refuses_before_changing_anything_where_foot_or_cage_cannot_do_touch(
    foot: str | None, cage: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kiosk.station.installer.package_version", lambda name: {"foot": foot, "cage": cage}[name])
    for dry_run in (["--dry-run"], []):
        assert main(["service", "install", "--touch", *dry_run]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""  # not one step
        assert "Debian 13" in captured.err and "alt-kiosk service install" in captured.err
        assert "Nothing was changed" in captured.err


def test_this_machines_own_packages_decide(capsys: pytest.CaptureFixture[str]) -> None:
    """Asks dpkg and apt for real: Debian 12 (foot 1.13) refuses, Debian 13 (foot 1.21) plans every step."""
    release = Path("/etc/debian_version").read_text().strip() if Path("/etc/debian_version").exists() else ""
    code = main(["service", "install", "--touch", "--dry-run"])
    captured = capsys.readouterr()
    if release.startswith("12"):
        assert code == 2 and "foot 1.13" in captured.err
    elif release.startswith("13"):
        assert code == 0 and "foot --check-config" in captured.out
    else:
        pytest.skip(f"not Debian 12 or 13 ({release or 'not Debian'})")
