"""Choosing foot's font size for the touch panel: large text, and a grid the kiosk can lay out."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.problems import InvalidFiles
from kiosk.station.config import load_settings
from kiosk.station.panel import MIN_GRID, Panel, detect_panel, font_size, foot_config, grid
from kiosk.station.settings import Settings
from tests.support.paths import ROOT


@pytest.mark.parametrize(
    ("panel", "size", "cells"),
    [
        ("800x480", 22, (44, 13)),  # the common 7-inch panel
        ("800x480@86mm", 22, (44, 13)),  # 6.3 mm a row on its glass
        ("1024x600", 22, (56, 17)),
        ("1280x800@136mm", 22, (71, 22)),  # 10-inch: 6.0 mm a row
        ("3840x2160@187mm", 37, (128, 36)),  # a dense panel: rows must still be 5 mm
        ("480x320", 15, (40, 13)),  # too small for 28 px rows: the grid wins
    ],
)
def test_font_size_and_grid(panel: str, size: int, cells: tuple[int, int]) -> None:
    chosen = font_size(Panel.parse(panel))
    assert chosen == size and grid(Panel.parse(panel), chosen) == cells
    assert cells[0] >= MIN_GRID[0] and cells[1] >= MIN_GRID[1]


def edid(height_cm: int) -> bytes:
    data = bytearray(128)
    data[21], data[22] = 15, height_cm
    return bytes(data)


def test_the_panel_is_read_from_the_kernels_drm_view(tmp_path: Path) -> None:
    for name, status, modes, cm in (
        ("card0-HDMI-A-1", "disconnected", "", 0),
        ("card0-DSI-1", "connected", "800x480\n", 9),
    ):
        connector = tmp_path / name
        connector.mkdir()
        (connector / "status").write_text(status + "\n")
        (connector / "modes").write_text(modes)
        (connector / "edid").write_bytes(edid(cm) if cm else b"")
    assert detect_panel(tmp_path) == Panel(800, 480, 90)
    assert detect_panel(tmp_path / "none") is None


def test_foot_config_sets_only_the_font_size() -> None:
    template = (ROOT / "systemd" / "foot.ini").read_text()
    written = foot_config(template, 17)
    assert "font=monospace:size=17,Noto Sans Mono CJK SC:size=17" in written and "size=22" not in written
    assert written.replace("size=17", "size=22") == template


def test_configuration_overrides_and_refuses_nonsense(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("touch_panel: 1024x600\ntouch_font_size: 18\n")
    settings = load_settings(config, Settings(ROOT / "content"))
    assert settings.touch_panel == Panel(1024, 600) and settings.touch_font_size == 18
    out = tmp_path / "foot.ini"
    assert (
        main(
            [
                "service",
                "foot-config",
                "--config",
                str(config),
                "--template",
                str(ROOT / "systemd" / "foot.ini"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "font=monospace:size=18" in out.read_text()
    assert "panel 1024x600 (from configuration): font size 18 (configured)" in capsys.readouterr().out
    config.write_text("touch_panel: big\n")
    with pytest.raises(InvalidFiles, match="touch_panel"):
        load_settings(config, Settings(ROOT / "content"))
