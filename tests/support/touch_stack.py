"""The real touch deployment, headless: a Debian 13 root with cage, foot and the installed kiosk.

* The root is built once with debootstrap from Debian's package registry and kept in ROOT_CACHE
  (about 1.5 minutes and 1.3 GB); a change of PACKAGES or BUILD_PACKAGES builds it again.
* Each test session copies this checkout into it and installs it, as `service install` would, into
  /opt/alt-kiosk/venv, and builds tests/support/touch/touch_shim.c (a touch screen for cage; never shipped).
* cage runs on wlroots' headless backend with the pixman renderer, as an unprivileged user, with the
  touch unit's own ExecStartPre and ExecStart (systemd/alt-kiosk-touch.service) and foot.ini.
* The kiosk's log arrives on a journal socket, as on a real box: screens, taps and its grid.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from tests.support.paths import ROOT

ROOT_CACHE = Path(os.environ.get("ALT_KIOSK_TEST_ROOTS", "/var/cache/alt-kiosk-test"))
PACKAGES = (
    "foot,cage,grim,wlr-randr,python3,python3-venv,fonts-dejavu-core,fonts-noto-cjk,fontconfig,libportaudio2,espeak-ng"
)
"""What the root boots with (debootstrap resolves these; it cannot resolve the -dev packages' virtual ones).
espeak-ng is Debian 13's 1.52, whose Mandarin the tests check (the host has 1.51)."""
BUILD_PACKAGES = ["libwlroots-0.18-dev", "gcc", "libc6-dev", "pkg-config"]
"""For the touch shim, installed with apt inside the root."""
MIRROR = "http://deb.debian.org/debian"
USER = "kiosk"
UNIT = ROOT / "systemd" / "alt-kiosk-touch.service"


class StackUnavailable(Exception):
    """This machine cannot run the touch stack; the message says why."""


def run(command: list[str], timeout: float = 600, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise StackUnavailable(
            f"{shlex.join(command)} failed ({result.returncode}): {(result.stderr or result.stdout)[-800:]}"
        )
    return result  # type: ignore[no-any-return]


def debian13_root() -> Path:
    """A Debian 13 (trixie) root with the touch stack, built on first use and kept."""
    if os.geteuid() != 0:
        raise StackUnavailable("needs root (debootstrap, chroot, mounts)")
    stamp_text = hashlib.sha256(" ".join([PACKAGES, *BUILD_PACKAGES]).encode()).hexdigest()[:16]
    root = ROOT_CACHE / f"trixie-{stamp_text}"
    if (root / ".alt-kiosk-ready").exists():
        return root
    if shutil.which("debootstrap") is None:
        raise StackUnavailable("debootstrap is not installed (scripts/setup test installs it)")
    shutil.rmtree(root, ignore_errors=True)
    root.parent.mkdir(parents=True, exist_ok=True)
    run(["debootstrap", "--variant=minbase", f"--include={PACKAGES}", "trixie", str(root), MIRROR], timeout=1200)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive"}
    run(["chroot", str(root), "apt-get", "update", "-q"], env=env)
    run(["chroot", str(root), "apt-get", "install", "-y", "-q", "--no-install-recommends", *BUILD_PACKAGES], env=env)
    run(["chroot", str(root), "useradd", "--create-home", "--shell", "/bin/sh", USER])
    (root / ".alt-kiosk-ready").write_text(PACKAGES)
    return root


@contextlib.contextmanager
def mounted(root: Path) -> Iterator[None]:
    """/proc and /dev inside the root for the session (the host's /dev stays untouched on unmount)."""
    run(["mount", "-t", "proc", "proc", str(root / "proc")])
    try:
        run(["mount", "--rbind", "/dev", str(root / "dev")])
        run(["mount", "--make-rslave", str(root / "dev")])
        yield
    finally:
        subprocess.run(["umount", "-R", str(root / "dev")], check=False)
        subprocess.run(["umount", str(root / "proc")], check=False)


def install_kiosk(root: Path) -> None:
    """This checkout into /opt/alt-kiosk/venv, as `service install` does; the touch shim built."""
    # The registry may be reached through this machine's TLS proxy: the root trusts what the host trusts.
    shutil.copy("/etc/ssl/certs/ca-certificates.crt", root / "etc/ssl/certs/ca-certificates.crt")
    source = root / "opt/alt-kiosk/src"
    shutil.rmtree(source, ignore_errors=True)
    ignore = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "test-artifacts", "*_cache")
    shutil.copytree(ROOT, source, ignore=ignore)
    venv = "/opt/alt-kiosk/venv"
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    if not (root / venv.lstrip("/") / "bin/python").exists():
        run(["chroot", str(root), "python3", "-m", "venv", venv], env=env)
    run(["chroot", str(root), f"{venv}/bin/pip", "install", "-q", "--upgrade", "/opt/alt-kiosk/src"], env=env)
    shutil.copy(ROOT / "tests/support/touch/touch_shim.c", root / "tmp/touch_shim.c")
    build = "gcc -shared -fPIC -O2 -Wall -DWLR_USE_UNSTABLE $(pkg-config --cflags wlroots-0.18) -o /usr/local/lib/touch_shim.so /tmp/touch_shim.c -ldl"
    run(["chroot", str(root), "sh", "-c", build], env=env)
    etc = root / "etc/alt-kiosk"
    etc.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "systemd/foot.ini", etc / "foot.ini")  # as `service install --touch` does


def unit_command(key: str) -> list[str]:
    """ExecStartPre= or ExecStart= of the touch unit, as systemd would run it."""
    for line in UNIT.read_text().splitlines():
        if line.startswith(f"{key}="):
            return shlex.split(line.split("=", 1)[1])
    raise AssertionError(f"{UNIT} has no {key}=")


def unit_environment() -> dict[str, str]:
    """The touch unit's Environment= settings."""
    env: dict[str, str] = {}
    for line in UNIT.read_text().splitlines():
        if line.startswith("Environment="):
            env.update(item.split("=", 1) for item in shlex.split(line.split("=", 1)[1]))  # type: ignore[misc]
    return env


class NotifySocket:
    """systemd's notify socket, inside the root: READY=1, STATUS=, MAINPID= as the kiosk sends them."""

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        path.chmod(0o666)
        self.sock.setblocking(False)
        self.seen: list[dict[str, str]] = []

    def main_pid(self, timeout: float = 20.0) -> int:
        """The MAINPID= the kiosk announced (as systemd would take it for $MAINPID)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(BlockingIOError):
                while True:
                    lines = self.sock.recv(65536).decode("utf-8", "replace").splitlines()
                    self.seen.append(dict(line.split("=", 1) for line in lines if "=" in line))
            for fields in self.seen:
                if "MAINPID" in fields:
                    return int(fields["MAINPID"])
            time.sleep(0.05)
        raise AssertionError(f"the kiosk never announced its MAINPID; it said: {self.seen}")


class Journal:
    """A journald native socket inside the root: the kiosk logs there as it would on a box."""

    def __init__(self, root: Path) -> None:
        path = root / "run/systemd/journal/socket"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        path.chmod(0o666)
        self.seen: list[str] = []

    def messages(self) -> list[str]:
        """Everything logged so far (MESSAGE= of each record)."""
        self.sock.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while True:
                datagram = self.sock.recv(65536).decode("utf-8", "replace")
                for line in datagram.splitlines():
                    if line.startswith("MESSAGE="):
                        self.seen.append(line.removeprefix("MESSAGE="))
        return self.seen

    def wait_for(self, prefix: str, after: int = 0, timeout: float = 20.0) -> str:
        """The first message from index `after` on that starts with `prefix`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages()[after:]:
                if message.startswith(prefix):
                    return message
            time.sleep(0.05)
        raise AssertionError(f"the kiosk never logged {prefix!r}; it logged: {self.messages()[after:]}")

    def close(self) -> None:
        self.sock.close()


class TouchKiosk:
    """cage + foot + the kiosk, as the touch unit starts them, on a headless output of `size` pixels."""

    def __init__(self, root: Path, size: tuple[int, int], config: str) -> None:
        self.root, self.size = root, size
        (root / "etc/alt-kiosk/config.yaml").write_text(config + f"touch_panel: {size[0]}x{size[1]}\n")
        self.runtime = root / "run/alt-kiosk"
        shutil.rmtree(self.runtime, ignore_errors=True)
        self.runtime.mkdir(parents=True)
        run(["chroot", str(root), "chown", f"{USER}:{USER}", "/run/alt-kiosk"])
        self.runtime.chmod(0o700)
        self.fifo = root / "tmp/touch.fifo"
        self.fifo.unlink(missing_ok=True)
        os.mkfifo(self.fifo, 0o666)
        self.fifo.chmod(0o666)
        self.journal = Journal(root)
        self.notify = NotifySocket(self.runtime / "notify.sock")
        env = {
            **unit_environment(),
            "NOTIFY_SOCKET": "/run/alt-kiosk/notify.sock",
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": f"/home/{USER}",
            "XDG_RUNTIME_DIR": "/run/alt-kiosk",
            "WLR_BACKENDS": "headless",
            "WLR_RENDERER": "pixman",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            "LD_PRELOAD": "/usr/local/lib/touch_shim.so",
            "TOUCH_FIFO": "/tmp/touch.fifo",
            "PYTHONUNBUFFERED": "1",
            "ALT_KIOSK_TRACE": "1",  # screens and taps in the journal: how this harness follows the kiosk
        }
        self.env = env
        pre = self.as_user(unit_command("ExecStartPre"))
        self.panel_line = run(pre, env=env).stdout.strip()
        self.proc = subprocess.Popen(
            self.as_user(unit_command("ExecStart")),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.wait_for_socket()
        run(
            self.as_user(["wlr-randr", "--output", "HEADLESS-1", "--custom-mode", f"{size[0]}x{size[1]}"]),
            env=self.display_env,
        )

    def reload(self) -> None:
        """`systemctl reload`: the unit's own ExecReload=, with $MAINPID as systemd would set it."""
        command = [arg.replace("$$", "$") for arg in unit_command("ExecReload")]  # systemd's unescaping
        run(self.as_user(command), env={**self.env, "MAINPID": str(self.notify.main_pid())})

    def as_user(self, command: list[str]) -> list[str]:
        return ["chroot", str(self.root), "setpriv", f"--reuid={USER}", f"--regid={USER}", "--init-groups", *command]

    @property
    def display_env(self) -> dict[str, str]:
        return {**self.env, "WAYLAND_DISPLAY": "wayland-0"}

    def wait_for_socket(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (self.runtime / "wayland-0").exists():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"cage did not start: {self.output()}")

    def output(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        return self.proc.stdout.read() if self.proc.stdout else ""

    def touch(self, *commands: str) -> None:
        """Lines for the shim: `d ID X Y`, `m ID X Y`, `u ID` (X, Y in pixels here)."""
        lines = []
        for command in commands:
            kind, *rest = command.split()
            if kind in ("d", "m"):
                finger, x, y = rest
                rest = [finger, f"{float(x) / self.size[0]:.5f}", f"{float(y) / self.size[1]:.5f}"]
            lines.append(" ".join([kind, *rest]))
        with self.fifo.open("w") as fifo:
            fifo.write("\n".join(lines) + "\n")

    def tap(self, x: float, y: float, hold: float = 0.05, jitter: float = 0.0) -> None:
        self.touch(f"d 0 {x} {y}")
        if jitter:
            time.sleep(hold / 2)
            self.touch(f"m 0 {x + jitter} {y + jitter}")
        time.sleep(hold)
        self.touch("u 0")

    def drag(self, x: float, y: float, dx: float, dy: float) -> None:
        self.touch(f"d 0 {x} {y}")
        for step in range(1, 9):
            time.sleep(0.02)
            self.touch(f"m 0 {x + dx * step / 8} {y + dy * step / 8}")
        self.touch("u 0")

    def screenshot(self, path: Path) -> None:
        inside = f"/tmp/shot-{os.getpid()}.png"
        run(self.as_user(["grim", inside]), env=self.display_env)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(self.root / inside.lstrip("/")), path)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        self.journal.close()
