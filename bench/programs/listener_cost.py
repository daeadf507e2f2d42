"""A real MicListener with PocketSphinx, listening for yes/no to whatever the ALSA file device plays in
(HOME's .asoundrc); after 10 s, one line: RESULT cpu-share total-MB kiosk-MB phone-loop-MB cleaning fault
(bench/voice_in.py prints it)."""

from __future__ import annotations

import os
import resource
import time

from kiosk.hearing.engines.sphinx import PocketSphinxRecognizer
from kiosk.hearing.listener import MicListener
from kiosk.hearing.recognizer import Recognizer
from kiosk.hearing.understand import Bar
from tests.support.processes import descendants


def status(pid: int | str, field: str) -> str | None:
    """A field of /proc/PID/status (None: gone)."""
    try:
        with open(f"/proc/{pid}/status") as lines:
            return next(line.split()[1] for line in lines if line.startswith(field + ":"))
    except (OSError, StopIteration):
        return None


def cpu_seconds() -> float:
    """CPU time of this program and of its children (PocketSphinx's phone loop)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    ticks = 0
    for pid in descendants(os.getpid()):
        with open(f"/proc/{pid}/stat") as stat:
            ticks += sum(int(x) for x in stat.read().rsplit(")", 1)[1].split()[11:13])
    return own.ru_utime + own.ru_stime + ticks / os.sysconf("SC_CLK_TCK")


def main() -> None:
    recognizers: dict[str, Recognizer] = {"en": PocketSphinxRecognizer()}
    listener = MicListener(lambda: recognizers, {"en": ()}, {"en": Bar()})
    listener.listen({"yes": ("yes",), "no": ("no",)}, "en")
    time.sleep(3)
    a, t = cpu_seconds(), time.monotonic()
    time.sleep(10)
    cpu = (cpu_seconds() - a) / (time.monotonic() - t)
    # Peak resident memory: VmHWM, not ru_maxrss (which keeps the forking parent's peak across exec), of this
    # program and of its children, added up.
    own = int(status("self", "VmHWM") or 0)
    rest = sum(int(status(pid, "VmHWM") or 0) for pid in descendants(os.getpid()))
    print("RESULT", cpu, (own + rest) / 1024, own / 1024, rest / 1024, listener._endpointer.cleaning, listener.fault)
    listener.close()


if __name__ == "__main__":
    main()
