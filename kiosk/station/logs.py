"""Logging for a kiosk: events and counts to the systemd journal, never health information.

Nothing may write to the terminal the UI draws on, so the UI process sends its
log records to the journal (native protocol) when there is one, and C libraries'
stderr chatter (ALSA, PortAudio, espeak) is captured and logged instead of drawn.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
from pathlib import Path

JOURNAL_SOCKET = "/run/systemd/journal/socket"
TRACE_VARIABLE = "ALT_KIOSK_TRACE"
"""Set to 1 (tests, development only) to log every screen kind and tap: a patient's path, so never on a clinic's kiosk."""
IDENTIFIER = "alt-kiosk"
_PRIORITIES = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6, logging.DEBUG: 7}


class JournalHandler(logging.Handler):
    """Sends records to journald over its native datagram socket, with proper priorities."""

    def __init__(self, path: str = JOURNAL_SOCKET) -> None:
        super().__init__()
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        # Never wait for the journal: a full socket queue (journald busy or hung) would freeze the UI
        # that logs; such a record is dropped and counted instead.
        self.sock.setblocking(False)
        self.dropped = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fields = {
                "MESSAGE": self.format(record),
                "PRIORITY": str(_PRIORITIES.get(record.levelno, 6)),
                "SYSLOG_IDENTIFIER": IDENTIFIER,
                "LOGGER": record.name,
            }
            if record.exc_info is None and hasattr(record, "event"):
                fields["KIOSK_EVENT"] = str(record.event)
            self.sock.sendto(encode_journal(fields), self.path)
        except BlockingIOError:
            self.dropped += 1
        except OSError:
            self.handleError(record)


def encode_journal(fields: dict[str, str]) -> bytes:
    """The journal's native format: KEY=value lines, or KEY\\n<64-bit length><value>\\n for multi-line values."""
    out = bytearray()
    for key, value in fields.items():
        data = value.encode("utf-8", "replace")
        if b"\n" in data:
            out += key.encode() + b"\n" + len(data).to_bytes(8, "little") + data + b"\n"
        else:
            out += key.encode() + b"=" + data + b"\n"
    return bytes(out)


class StderrPriorityFormatter(logging.Formatter):
    """`<N>message` lines that journald reads as priorities when stderr is connected to it."""

    def format(self, record: logging.LogRecord) -> str:
        return f"<{_PRIORITIES.get(record.levelno, 6)}>{record.name}: {super().format(record)}"


def trace(message: str, *args: object) -> None:
    """Log a step of a patient's journey (which screen, which kind of tap) only when tracing is on.

    Without tracing the journal carries the same lines for every patient, whatever they answer:
    "session started", "session ended", and faults.
    """
    if os.environ.get(TRACE_VARIABLE) == "1":
        logging.getLogger("kiosk.trace").info(message, *args)


def setup(for_ui: bool, level: int = logging.INFO, capture: bool = True) -> None:
    """Route logging: to the journal (or nowhere) while a full-screen UI runs, else to stderr.

    With `capture`, C libraries' stderr becomes log records from now on (see capture_stderr).
    """
    root = logging.getLogger()
    root.handlers.clear()
    root.setLevel(level)
    if for_ui:
        if Path(JOURNAL_SOCKET).exists():
            root.addHandler(JournalHandler())
        else:
            root.addHandler(logging.NullHandler())
        if capture:
            capture_stderr()
    else:
        handler = logging.StreamHandler(sys.stderr)
        if os.environ.get("JOURNAL_STREAM"):
            handler.setFormatter(StderrPriorityFormatter())
        root.addHandler(handler)


def capture_stderr() -> None:
    """Point file descriptor 2 at a pipe whose lines become log records (C libraries write there).

    Textual draws on `sys.__stderr__`, so that keeps the terminal through a duplicate descriptor.
    """
    original = sys.__stderr__
    if original is not None and original.isatty():
        terminal = os.fdopen(os.dup(2), "w", encoding=original.encoding, errors=original.errors)
        sys.__stderr__ = sys.stderr = terminal  # type: ignore[misc]
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, 2)
    os.close(write_fd)
    log = logging.getLogger("kiosk.stderr")

    def pump() -> None:
        with os.fdopen(read_fd, "rb") as pipe:
            for line in pipe:
                text = line.decode("utf-8", "replace").rstrip()
                if text:
                    log.warning("%s", text[:500])

    threading.Thread(target=pump, name="kiosk-stderr", daemon=True).start()
