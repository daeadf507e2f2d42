"""A stand-in kiosk that starts one worker, prints the worker's pid and waits to be killed outright.
Parameters: worker ("phone loop", or "speech": the espeak worker, with another process holding its
input open, as after the hard-exit path)."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.support.programs import params


def main() -> None:
    if params()["worker"] == "phone loop":
        from kiosk.hearing.engines.phone_loop import PhoneLoop

        loop = PhoneLoop()
        print(loop.worker_pid, flush=True)
    else:
        command = [sys.executable, "-m", "kiosk.speaking.espeak_worker", "1"]
        worker = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        assert worker.stdin is not None
        subprocess.Popen(["sleep", "30"], pass_fds=(worker.stdin.fileno(),))
        print(worker.pid, flush=True)
    time.sleep(60)


if __name__ == "__main__":
    main()
