"""`alt-kiosk service install`: set up a kiosk box (packages, user, venv, config, content, units)."""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kiosk.hearing.rnnoise import PACKAGE as RNNOISE
from kiosk.hearing.rnnoise import UNAVAILABLE as NO_RNNOISE
from kiosk.station.settings import CHECKOUT, SERVICE_STATE_DIR

PREFIX = Path("/opt/alt-kiosk")
CONFIG_DIR = Path("/etc/alt-kiosk")
STATE_DIR = SERVICE_STATE_DIR
UNIT_DIR = Path("/etc/systemd/system")
USER = "alt-kiosk"
PACKAGES = ["python3-venv", "espeak-ng", "libportaudio2", "libspeexdsp1", "alsa-utils", "console-setup", "kbd"]
TOUCH_PACKAGES = ["cage", "foot", "xwayland", "fonts-dejavu-core", "fonts-noto-cjk", "fontconfig"]
"""cage needs Xwayland on every release (0.1.4 will not start without it); foot draws with DejaVu Sans Mono,
and Chinese with Noto Sans Mono CJK."""
TOUCH_MINIMUM = {"foot": "1.15", "cage": "0.2"}
"""foot reads touch only from 1.15 (its [touch] section); cage 0.1 has no touch for foot to read."""

DEFAULT_CONFIG = f"""\
# alt-kiosk configuration. Check it with: alt-kiosk status. Reload with: systemctl reload alt-kiosk
content_dir: {STATE_DIR}/content
state_dir: {STATE_DIR}      # the last good content copy, approvals, the PIN lock-out
# languages: [en]          # offered, in order; the first is the default
idle_seconds: 60
idle_warning_seconds: 20
volume: 3                  # 0 (softest) to 4 (loudest)
rate: normal               # or slow
sound: true
output_device: null        # null: the system default
input_device: null
speech_engine: {{en: auto}}  # auto, vosk, pocketsphinx or off, per language
# metrics_dir: /var/lib/prometheus/node-exporter  # a Prometheus textfile (README, "Running many kiosks")
"""


@dataclass(frozen=True)
class Step:
    what: str
    command: list[str] | None = None
    write: tuple[Path, str] | None = None
    only_if_missing: Path | None = None

    def describe(self) -> str:
        if self.command is not None:
            return f"{self.what}\n    $ {shlex.join(self.command)}"
        if self.write is not None:
            return f"{self.what}\n    write {self.write[0]}" + (" (if missing)" if self.only_if_missing else "")
        return self.what


def steps(touch: bool, source: Path = CHECKOUT, piper: bool = False) -> list[Step]:
    unit = "alt-kiosk-touch.service" if touch else "alt-kiosk.service"
    venv = PREFIX / "venv"
    plan = [
        Step(
            "install system packages",
            ["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES, *(TOUCH_PACKAGES if touch else [])],
        ),
        Step(
            f"create the service user {USER} (no login, audio and tty access)",
            [
                "sh",
                "-c",
                f"id {USER} >/dev/null 2>&1 || useradd --system --home-dir {STATE_DIR} --no-create-home "
                f"--shell /usr/sbin/nologin --groups audio,video,input,tty {USER}",
            ],
        ),
        Step("create the application virtual environment", ["python3", "-m", "venv", str(venv)]),
        Step(
            "install alt-kiosk into it" + (" with the Piper voice" if piper else ""),
            [str(venv / "bin" / "pip"), "install", "--upgrade", f"{source}[piper]" if piper else str(source)],
        ),
        Step(
            "install RNNoise into it (cleans a steady noise; without it, the Wiener filter does)",
            [
                "sh",
                "-c",
                f"{venv}/bin/pip install --no-deps --only-binary=:all: '{RNNOISE}' || echo '{NO_RNNOISE}' >&2",
            ],
        ),
        Step(
            "keep a copy of the README beside it",
            ["install", "-D", "-m", "0644", str(source / "README.md"), str(PREFIX / "README.md")],
        ),
        Step(
            "write the configuration",
            write=(CONFIG_DIR / "config.yaml", DEFAULT_CONFIG),
            only_if_missing=CONFIG_DIR / "config.yaml",
        ),
        Step(
            "install the bundled content (checked, kept for rollback)",
            [
                "sh",
                "-c",
                f"test -d {STATE_DIR}/content || {venv}/bin/alt-kiosk content install {source}/content "
                f"--to {STATE_DIR}/content",
            ],
        ),
        Step("hand the state folder to the service user", ["chown", "-R", f"{USER}:{USER}", str(STATE_DIR)]),
    ]
    if touch:
        plan += [
            Step(
                "install the terminal's settings (the font size is chosen for the panel at each start)",
                ["install", "-D", "-m", "0644", str(source / "systemd" / "foot.ini"), str(CONFIG_DIR / "foot.ini")],
            ),
            Step(
                "check them with foot itself",
                ["foot", "--check-config", f"--config={CONFIG_DIR / 'foot.ini'}"],
            ),
            Step(
                "show the panel and font size the kiosk will use",
                [
                    str(venv / "bin" / "alt-kiosk"),
                    "service",
                    "foot-config",
                    "--config",
                    str(CONFIG_DIR / "config.yaml"),
                ],
            ),
        ]
    plan += [
        Step(
            f"install the unit {unit}", ["install", "-m", "0644", str(source / "systemd" / unit), str(UNIT_DIR / unit)]
        ),
        Step("reload systemd", ["systemctl", "daemon-reload"]),
        Step("free tty1 from its login prompt", ["systemctl", "disable", "--now", "getty@tty1.service"]),
        Step(f"enable and start {unit} (starts on boot, restarts itself)", ["systemctl", "enable", "--now", unit]),
    ]
    return plan


def package_version(name: str) -> str | None:
    """The installed version of a Debian package, else the one apt would install, else None."""
    installed = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status} ${Version}", name], capture_output=True, text=True, check=False
    ).stdout.split()
    if installed[:3] == ["install", "ok", "installed"] and len(installed) == 4:
        return installed[3]
    policy = subprocess.run(["apt-cache", "policy", name], capture_output=True, text=True, check=False).stdout
    for line in policy.splitlines():
        if line.strip().startswith("Candidate:"):
            candidate = line.split(":", 1)[1].strip()
            return None if candidate == "(none)" else candidate
    return None


def touch_problem() -> str | None:
    """Why the touch deployment cannot work on this system (None: it can)."""
    found = {name: package_version(name) for name in TOUCH_MINIMUM}
    old = [
        f"{name} {found[name] or 'is not available'}"
        for name, minimum in TOUCH_MINIMUM.items()
        if found[name] is None
        or subprocess.run(["dpkg", "--compare-versions", str(found[name]), "lt", minimum], check=False).returncode == 0
    ]
    if not old:
        return None
    return (
        f"touch screens need foot >= {TOUCH_MINIMUM['foot']} and cage >= {TOUCH_MINIMUM['cage']}, which Debian 13 "
        f"(trixie) and Raspberry Pi OS based on it have; this system has {', '.join(old)} (Debian 12 ships foot "
        "1.13, which ignores touch). Nothing was changed. Use the console kiosk with a number pad here "
        "(`alt-kiosk service install`), or install Debian 13 for a touch screen."
    )


def run(plan: list[Step], dry_run: bool, echo: object = print) -> int:
    for number, step in enumerate(plan, 1):
        echo(f"[{number}/{len(plan)}] {step.describe()}")  # type: ignore[operator]
        if dry_run:
            continue
        if step.write is not None:
            path, text = step.write
            if step.only_if_missing is not None and step.only_if_missing.exists():
                echo("    (already there: kept)")  # type: ignore[operator]
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif step.command is not None:
            result = subprocess.run(step.command, check=False)
            if result.returncode != 0:
                echo(
                    f"step {number} failed (exit {result.returncode}); fix it and run again (steps are safe to repeat)"
                )  # type: ignore[operator]
                return 1
    echo("dry run: nothing was changed" if dry_run else "done: check with `alt-kiosk status`")  # type: ignore[operator]
    return 0
