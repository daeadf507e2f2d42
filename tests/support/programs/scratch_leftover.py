"""Make this process's in-memory scratch folder with a WAV file in it, print the folder, then wait to be
killed (or to end after a minute)."""

from __future__ import annotations

import tempfile
import time

from kiosk.speech import scratch


def main() -> None:
    folder = scratch.make()
    tempfile.mkstemp(dir=folder, suffix=".wav")
    print(folder, flush=True)
    time.sleep(60)


if __name__ == "__main__":
    main()
