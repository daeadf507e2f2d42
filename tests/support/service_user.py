"""Running the real program as the service would: a non-root user, its own folders, its journal.

`ServiceBox` makes a folder tree owned by `nobody` (the stand-in for the `alt-kiosk` user), writes a
configuration naming its content and state folders, and builds command lines that run `alt-kiosk` as
that user (setpriv: no capabilities, so file permissions bind it as they bind the service). Where that
user cannot run this Python at all (a test machine whose interpreter lives under a private /root),
it runs as root without the capabilities that bypass file permissions (CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH), owning the tree, which file permissions then bind in the same way. With
`journal=True` the command runs in a private mount namespace whose /run/systemd/journal/socket is a
datagram socket this test reads: the real program's journal lines, exactly as it sends them.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.content_fuzz import NO_BYPASS
from kiosk.station.logs import JOURNAL_SOCKET
from tests.support.paths import CONTENT

ALT_KIOSK = str(Path(sys.executable).parent / "alt-kiosk")
NOBODY = 65534  # nobody / nogroup


def _user() -> int:
    """nobody, if it can run this interpreter; else root without the permission-bypassing capabilities."""
    probe = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "env", sys.executable, "-c", ""]
    return NOBODY if subprocess.run(probe, capture_output=True, check=False).returncode == 0 else 0


UID = _user()


def as_service_user(argv: list[str], env: dict[str, str] | None = None) -> list[str]:
    """`argv` run as the service user (or root without the permission-bypassing capabilities)."""
    prefix = ["setpriv", f"--reuid={UID}", f"--regid={UID}", "--clear-groups", *NO_BYPASS]
    return [*prefix, "env", *(f"{k}={v}" for k, v in (env or {}).items()), *argv]


class ServiceBox:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="alt-kiosk-svc-"))
        self.root.chmod(0o755)
        self.content = self.root / "content"
        self.state = self.root / "state"
        self.home = self.root / "home"
        shutil.copytree(CONTENT, self.content)
        for folder in (self.state, self.home):
            folder.mkdir()
        self.config = self.root / "config.yaml"
        self.config.write_text(f"content_dir: {self.content}\nstate_dir: {self.state}\nlanguages: [en, zh]\n")
        self.journal: socket.socket | None = None
        self.journal_path = self.root / "journal.sock"
        self.give_to_service_user(self.root)

    def give_to_service_user(self, path: Path) -> None:
        for here, folders, files in os.walk(path):
            for name in [here, *(os.path.join(here, n) for n in folders + files)]:
                os.lchown(name, UID, UID)

    def env(self) -> dict[str, str]:
        home = str(self.home)
        return {"HOME": home, "XDG_CACHE_HOME": f"{home}/cache", "XDG_STATE_HOME": str(self.state), "TMPDIR": home}

    def command(self, *args: str, journal: bool = False, config: bool = True) -> list[str]:
        """`alt-kiosk ARGS --config CONFIG` as the service user (in a namespace with our journal)."""
        inner = as_service_user([ALT_KIOSK, *args], self.env())
        inner += ["--config", str(self.config)] if config else []
        if not journal:
            return inner
        self.listen()
        folder = os.path.dirname(JOURNAL_SOCKET)
        setup = f"mount -t tmpfs tmpfs /run && mkdir -p {folder} && ln -s {self.journal_path} {JOURNAL_SOCKET}"
        return ["unshare", "--mount", "sh", "-c", f"{setup} && exec {shlex.join(inner)}"]

    def listen(self) -> None:
        """Bind the journal socket and read it all the time, as journald does (its queue holds 10)."""
        if self.journal is None:
            self.journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self.journal.bind(str(self.journal_path))
            self.journal_path.chmod(0o666)
            self.journal.settimeout(0.1)
            self.lines: list[dict[str, str]] = []
            threading.Thread(target=self._read, args=(self.journal,), daemon=True).start()

    def _read(self, sock: socket.socket) -> None:
        while True:
            try:
                self.lines.append(_decode(sock.recv(1 << 20)))
            except TimeoutError:
                continue
            except OSError:
                return

    def journal_lines(self, wait: float = 0.0) -> list[dict[str, str]]:
        """Every journal entry received so far (after `wait` seconds), as fields (MESSAGE, PRIORITY, ...)."""
        time.sleep(wait)
        return list(self.lines)

    def messages(self, wait: float = 0.0) -> list[str]:
        return [entry.get("MESSAGE", "") for entry in self.journal_lines(wait)]

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()
        shutil.rmtree(self.root, ignore_errors=True)


def _decode(data: bytes) -> dict[str, str]:
    """journald's native format (kiosk.station.logs.encode_journal): KEY=value, or KEY\\n<le64 size><value>\\n."""
    fields: dict[str, str] = {}
    while data:
        line, _, rest = data.partition(b"\n")
        if b"=" in line:
            key, _, value = line.partition(b"=")
            fields[key.decode()] = value.decode("utf-8", "replace")
            data = rest
        else:
            size = int.from_bytes(rest[:8], "little")
            fields[line.decode()] = rest[8 : 8 + size].decode("utf-8", "replace")
            data = rest[8 + size + 1 :]
    return fields
