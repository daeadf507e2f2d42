"""The kiosk's terminal input: any bytes in, never an exception out.

Textual's own input thread dies on some byte sequences (textual 8.2.8: `ESC [ 1114112 ; 1 H` raises
`chr() arg not in range` in `_xterm_parser.py`, `ESC [ 99999999999 ; 5 u` an OverflowError, invalid
UTF-8 a UnicodeDecodeError), and a dead input thread ends the app. A kiosk's input is whatever a
keypad, a touch panel or a patient leaning on a keyboard sends, so this driver reads the terminal the
same way but decodes leniently and, when the parser raises, drops that chunk and starts a fresh parser.

The input stream also carries the terminal's answers to queries, and textual trusts them: a forged
in-band size report (`ESC [ 48 ; 300 ; 1114111 ; 1 ; 17 t`) made it lay out a screen a million columns
wide (2.7 GB, frozen). Here the screen's size is only ever what the kernel says (TIOCGWINSZ, SIGWINCH).
"""

from __future__ import annotations

import logging
import os
import selectors
import time
from codecs import getincrementaldecoder

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Size
from textual.message import Message
from textual.messages import InBandWindowResize

log = logging.getLogger("kiosk")

READ_BYTES = 4096
REPORT_EVERY_SECONDS = 60.0
"""Parser faults are logged at most this often (a stuck key must not flood the journal)."""


class InputFaults:
    """Logs input the parser could not take, without flooding (and never the bytes themselves)."""

    def __init__(self) -> None:
        self._unreported = 0
        self._reported_at = -REPORT_EVERY_SECONDS

    def note(self, err: BaseException) -> None:
        self._unreported += 1
        now = time.monotonic()
        if now - self._reported_at >= REPORT_EVERY_SECONDS:
            log.warning(
                "terminal input not understood (%s), %d time(s) since the last report; input parser restarted",
                type(err).__name__,
                self._unreported,
            )
            self._reported_at, self._unreported = now, 0


ESC = "\x1b"
_INTRODUCERS = {"]", "P", "_", "^", "X"}  # after ESC: OSC, DCS, APC, PM, SOS
_C1_INTRODUCERS = {"\x9d", "\x90", "\x9f", "\x9e", "\x98"}  # the same as single 8-bit characters
_ENDS = {"\x07", "\x9c", "\x18", "\x1a"}  # BEL (ends an OSC), ST, and CAN / SUB (abort)
STRING_SECONDS = 0.5
"""A control string not ended this long after it began is dropped: input goes back to keys."""


class ControlStrings:
    """Removes control strings (OSC, DCS, APC, PM, SOS: a clipboard write, a terminal's reply) from the input.

    Textual's parser reads some of their characters as keys: `ESC ] 52 ; c ; AAAA BEL` pressed "2".
    No character inside one may ever become a key, so they are cut out before the parser sees them,
    even when split across reads. Only an introducer in the same read as its ESC counts (a terminal
    writes a sequence at once), so Escape and then "]" typed by a person stay two keys.
    """

    def __init__(self, clock: object = time.monotonic) -> None:
        self._clock = clock
        self._since: float | None = None
        """When the control string being dropped began (None: not inside one)."""
        self._escape = False
        """Inside a control string, the last character was ESC (ST is ESC \\)."""

    def _now(self) -> float:
        return float(self._clock())  # type: ignore[operator]

    def feed(self, data: str) -> str:
        """`data` without any control string (or part of one)."""
        out: list[str] = []
        i = 0
        while i < len(data):
            ch = data[i]
            if self._since is not None:
                if ch in _ENDS or (self._escape and ch == "\\"):
                    self._since, self._escape = None, False
                else:
                    self._escape = ch == ESC
                i += 1
            elif ch in _C1_INTRODUCERS or (ch == ESC and i + 1 < len(data) and data[i + 1] in _INTRODUCERS):
                self._since, self._escape = self._now(), False
                i += 1 if ch in _C1_INTRODUCERS else 2
            else:
                out.append(ch)
                i += 1
        return "".join(out)

    def tick(self) -> None:
        """Give up on a control string that never ended (a lost terminator must not eat every key)."""
        if self._since is not None and self._now() - self._since > STRING_SECONDS:
            self._since, self._escape = None, False


class KioskDriver(LinuxDriver):
    """Textual's Linux driver with an input loop that survives any input."""

    faults = InputFaults()

    def process_message(self, message: Message) -> None:
        if isinstance(message, InBandWindowResize):
            return  # stay with SIGWINCH: no terminal we run on needs in-band resizes
        if isinstance(message, events.Resize):
            size = Size(*self._get_terminal_size())  # a size report is only a hint to look again
            message = events.Resize(size, size)
        super().process_message(message)

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        decode = getincrementaldecoder("utf-8")(errors="replace").decode
        strings = ControlStrings()
        parser = XTermParser(self._debug)

        def parse(data: str) -> None:
            nonlocal parser
            try:
                for event in parser.feed(data) if data else parser.tick():
                    self.process_message(event)
            except Exception as err:  # a parser bug must never end the kiosk
                self.faults.note(err)
                parser = XTermParser(self._debug)

        try:
            while not self.exit_event.is_set():
                for _key, mask in selector.select(0.1):
                    if mask & selectors.EVENT_READ:
                        raw = os.read(self.fileno, READ_BYTES)
                        if not raw:  # end of input (a pipe): nothing more will come
                            time.sleep(0.1)
                        elif data := strings.feed(decode(raw)):
                            parse(data)
                strings.tick()
                parse("")  # "" means: only let the parser's timeouts fire (a lone Escape)
        finally:
            selector.close()
