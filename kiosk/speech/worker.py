"""A child process that can crash or hang without harming the kiosk, spoken to one JSON line at a time.

The kiosk's workers (text to speech: kiosk.speaking.espeak_worker, kiosk.speaking.piper_worker;
PocketSphinx's phone loop: kiosk.hearing.engines.phone_worker) all run
`kiosk.speech.worker_process.serve`: requests on stdin, one JSON line each; replies on a private pipe
whose descriptor is the command's last argument; a first reply once the engine has loaded. This side starts the process, restarts it after a crash or a hang, and turns
every failure into one exception that says what went wrong.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import time
import weakref
from typing import ClassVar

START_TIMEOUT = 15.0


class WorkerError(Exception):
    """The worker could not do what it was asked; the message says why, for the log and for staff."""


class Worker:
    """Owns one worker process: started on first use, killed and started again after any failure."""

    _all: ClassVar[weakref.WeakSet[Worker]] = weakref.WeakSet()

    @classmethod
    def kill_all(cls, timeout: float = 0.2) -> None:
        """On the way out: SIGKILL every worker, whatever its state (a stopped one cannot notice its parent
        end) and whichever thread is using it, then reap them (for at most `timeout` seconds in all)."""
        procs = [w._proc for w in list(cls._all) if w._proc is not None and w._proc.poll() is None]
        for proc in procs:
            proc.kill()
        deadline = time.monotonic() + timeout
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))

    def __init__(self, command: list[str], what: str, error: type[WorkerError] = WorkerError) -> None:
        self._command = command
        self._what = what  # "text-to-speech": the worker's name in messages
        self._error = error
        self._proc: subprocess.Popen[str] | None = None
        self._replies: int | None = None
        self._buffer = b""
        self._greeted = False
        Worker._all.add(self)

    def send(self, request: dict[str, object]) -> None:
        """Start the worker if it is not running and hand it `request`; `reply` reads the answer."""
        self._ensure_started()
        if not self._greeted:
            self._greet()
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(request) + "\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError) as err:
            self._kill()
            raise self._error(f"{self._what} process died: {err}") from err

    def reply(self, timeout: float) -> dict[str, object]:
        """The answer to the last request; the worker is killed if it has none within `timeout` seconds."""
        answer = self._read_reply(timeout)
        if not answer.get("ok"):
            raise self._error(str(answer.get("error") or f"{self._what} failed"))
        return answer

    def start(self, wait: bool = True) -> None:
        """Start the worker now (else with the first request); `wait`: until its engine has loaded."""
        self._ensure_started()
        if wait and not self._greeted:
            self._greet()

    def close(self) -> None:
        """End the worker now."""
        self._kill()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def _ensure_started(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        self._kill()
        read_fd, write_fd = os.pipe()
        try:
            self._proc = subprocess.Popen(
                [*self._command, str(write_fd)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(write_fd,),
                text=True,
                start_new_session=True,
            )
        except OSError as err:
            os.close(read_fd)
            raise self._error(f"cannot start the {self._what} process: {err}") from err
        finally:
            os.close(write_fd)
        self._replies, self._buffer, self._greeted = read_fd, b"", False

    def _greet(self) -> None:
        hello = self._read_reply(START_TIMEOUT)
        if not hello.get("ok"):
            self._kill()
            raise self._error(str(hello.get("error") or f"{self._what} failed to start"))
        self._greeted = True

    def _read_reply(self, timeout: float) -> dict[str, object]:
        if self._replies is None:
            raise self._error(f"{self._what} process is not running")
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([self._replies], [], [], timeout)
            if not ready:
                self._kill()
                raise self._error(f"{self._what} did not answer within {timeout:g} s (hung); restarted")
            chunk = os.read(self._replies, 65536)
            if not chunk:
                self._kill()
                raise self._error(f"{self._what} process crashed; restarted")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        reply: dict[str, object] = json.loads(line)
        return reply

    def _kill(self) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc = None
        if self._replies is not None:
            os.close(self._replies)
            self._replies = None
