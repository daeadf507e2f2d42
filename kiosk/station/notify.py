"""The systemd notify protocol, spoken directly (no extra dependency): READY, WATCHDOG, STATUS, STOPPING."""

from __future__ import annotations

import os
import socket


class Notifier:
    """Sends datagrams to $NOTIFY_SOCKET; does nothing when the kiosk does not run under systemd."""

    def __init__(self, address: str | None = None) -> None:
        self.address = address if address is not None else os.environ.get("NOTIFY_SOCKET", "")
        if self.address.startswith("@"):
            self.address = "\0" + self.address[1:]  # abstract namespace
        self._sock: socket.socket | None = None
        if self.address:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._sock.setblocking(False)

    @property
    def enabled(self) -> bool:
        return self._sock is not None

    def send(self, **fields: str) -> bool:
        if self._sock is None:
            return False
        message = "\n".join(f"{key}={value}" for key, value in fields.items())
        try:
            self._sock.sendto(message.encode(), self.address)
            return True
        except OSError:
            return False

    def ready(self, status: str) -> None:
        # The touch unit: systemd's main process is cage, and reload must reach the kiosk.
        main = {"MAINPID": str(os.getpid())} if below_main_process() else {}
        self.send(READY="1", STATUS=status, **main)

    def watchdog(self) -> None:
        self.send(WATCHDOG="1")

    def status(self, status: str) -> None:
        self.send(STATUS=status)

    def stopping(self) -> None:
        self.send(STOPPING="1")

    def reloading(self) -> None:
        self.send(RELOADING="1")


def below_main_process() -> bool:
    """The unit started another program that started the kiosk (the touch unit: cage, then foot)."""
    return os.environ.get("ALT_KIOSK_NOTIFY_ANY_PID") == "1"


def watchdog_interval() -> float | None:
    """Half the watchdog period systemd asked for (seconds), or None when there is no watchdog."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    # Under the touch unit the kiosk runs below cage and foot, so WATCHDOG_PID names cage.
    if not usec or (pid and pid != str(os.getpid()) and not below_main_process()):
        return None
    try:
        return max(int(usec) / 1_000_000 / 2, 0.05)
    except ValueError:
        return None
