"""Commands for staff and admins: the service's state, set-pin."""

from __future__ import annotations

import getpass
import grp
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

from kiosk.core.snapshot import MAX_FILE_BYTES, read_file
from kiosk.station.admin_pin import hash_pin, valid_pin
from kiosk.station.installer import USER

UNITS = ("alt-kiosk.service", "alt-kiosk-touch.service")
"""The console unit and the touch unit: a box has one of them installed."""
SYSTEMD_RUNNING = Path("/run/systemd/system")


def service_state() -> tuple[str, str]:
    """(the kiosk's unit on this box, its state): the unit that runs, else the one installed (console or touch)."""
    if shutil.which("systemctl") is None or not SYSTEMD_RUNNING.is_dir():
        return "", "systemd not running"
    found: list[tuple[str, str]] = []
    for unit in UNITS:
        state = subprocess.run(["systemctl", "is-active", unit], capture_output=True, text=True, check=False)
        enabled = subprocess.run(["systemctl", "is-enabled", unit], capture_output=True, text=True, check=False)
        if "not-found" in enabled.stdout + enabled.stderr and state.stdout.strip() == "inactive":
            continue  # not installed
        found.append((unit, state.stdout.strip() or "unknown"))
    running = [item for item in found if item[1] == "active"]
    return (running or found or [("", "not installed")])[0]


def set_pin(config: Path, pin: str | None) -> str:
    """Store a salted slow hash of a new PIN in the configuration file (creating it if needed)."""
    if pin is None:
        pin = getpass.getpass("New staff PIN (4-12 digits): ")
        if getpass.getpass("Again: ") != pin:
            raise ValueError("the two PINs differ")
    if not valid_pin(pin):
        raise ValueError("a PIN is 4 to 12 digits")
    line = f'admin_pin_hash: "{hash_pin(pin)}"'
    raw = read_file(config, limit=MAX_FILE_BYTES, follow=True) if os.path.lexists(config) else b""
    if isinstance(raw, str):
        raise ValueError(f"{config}: {raw}")
    text = raw.decode("utf-8", "replace")
    if re.search(r"^admin_pin_hash:.*$", text, flags=re.M):
        text = re.sub(r"^admin_pin_hash:.*$", line, text, flags=re.M)
    else:
        text = text + ("" if text.endswith("\n") or not text else "\n") + line + "\n"
    config.parent.mkdir(parents=True, exist_ok=True)
    target = config.resolve()  # a linked configuration is changed where it lives, the link kept
    owner, group, mode = _ownership(target)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    if os.geteuid() == 0:
        os.chown(tmp, owner, group)
    tmp.chmod(mode)
    tmp.replace(target)
    return f"PIN set in {config}; send the service SIGHUP (systemctl reload alt-kiosk) to use it"


def _ownership(config: Path) -> tuple[int, int, int]:
    """The owner, group and mode the new configuration keeps: the old file's, so the service can still
    read it; for a new file, root and the service's group (when it exists), 0640."""
    try:
        st = config.stat()
        return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)
    except FileNotFoundError:
        try:
            group = grp.getgrnam(USER).gr_gid
        except KeyError:
            group = os.getegid()
        return os.geteuid(), group, 0o640
