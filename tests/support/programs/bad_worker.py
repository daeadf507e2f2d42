"""A speech worker that goes wrong in one way, for the kiosk's side of the worker protocol
(kiosk.speech.worker) to survive. Arguments: the way (crash, hang, die-mid-request, no-engine), then the
reply pipe, as the real workers get it."""

from __future__ import annotations

import os
import sys
import time


def main() -> None:
    way = sys.argv[1]
    if way == "crash":
        sys.exit(3)
    if way == "hang":
        time.sleep(60)
        return
    replies = os.fdopen(int(sys.argv[2]), "w", buffering=1)
    if way == "die-mid-request":  # starts like the real worker, then dies in the middle of a request
        replies.write('{"ok": true, "version": "x"}\n')
        sys.stdin.readline()
        os._exit(9)
    replies.write(
        '{"ok": false, "error": "text-to-speech engine failed to start: '
        'libespeak-ng.so.1: cannot open shared object file"}\n'
    )


if __name__ == "__main__":
    main()
