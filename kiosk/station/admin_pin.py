"""The staff PIN: a salted slow hash in the configuration, and a lock-out after five wrong tries."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.core.snapshot import read_file

N, R, P = 2**14, 8, 1
MAX_TRIES = 5
LOCK_SECONDS = 300.0


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$hash` for the PIN (about 50 ms to compute, on purpose)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


_HASH = re.compile(r"scrypt\$(\d{1,7})\$(\d{1,3})\$(\d{1,3})\$([0-9a-f]{32})\$([0-9a-f]{64})")


def hash_problem(stored: str | None) -> str | None:
    """Why `stored` can never match a PIN (None: it is a hash set-pin could have written, or no PIN is set)."""
    if stored is None:
        return None
    found = _HASH.fullmatch(stored)
    if found is None:
        return "not a hash written by alt-kiosk set-pin"
    n, r, p = (int(found.group(i)) for i in (1, 2, 3))
    if n < 2 or n & (n - 1) or not 1 <= r <= 64 or not 1 <= p <= 16 or n * r > 2**22:
        return "its scrypt settings are out of range"
    return None


def check_pin(pin: str, stored: str) -> bool:
    if hash_problem(stored) is not None:
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        computed = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


def valid_pin(pin: str) -> bool:
    return pin.isdigit() and 4 <= len(pin) <= 12


LOCK_FILE = "admin-lock.json"
"""Where, in the state folder, the wrong-PIN lock-out is kept."""


class PinGuard:
    """Counts wrong tries (kept in the state folder, so a restart does not reset them)."""

    def __init__(
        self,
        stored_hash: Callable[[], str | None],
        state_file: Path,
        clock: object = time.time,
        read_only: bool = False,
    ) -> None:
        """`stored_hash` gives the PIN's hash as configured now (a reload may change it), or None.
        `read_only`: never write the lock file (`alt-kiosk status` looks; the kiosk decides)."""
        self.stored_hash = stored_hash
        self.state_file = state_file
        self._clock = clock
        self._read_only = read_only
        self._memory: dict[str, float] | None = None
        self.on_lockout: Callable[[], None] = lambda: None
        """Called when wrong PINs lock the staff screen (a count for the kiosk's metrics)."""

    def _now(self) -> float:
        return float(self._clock())  # type: ignore[operator]

    def _load(self) -> dict[str, float]:
        """The lock state on disk, treated as untrusted: anything but sane values means locked (fail closed)."""
        raw = read_file(self.state_file, limit=4096)
        if raw == "file is missing":
            return {"failures": 0.0, "locked_until": 0.0}
        try:
            data = json.loads(raw) if isinstance(raw, bytes) else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return self._locked_now()
        failures, until = data.get("failures", 0), data.get("locked_until", 0)
        now = self._now()
        sane = all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (failures, until)
        )
        if not sane or not 0 <= failures < MAX_TRIES or not 0 <= until <= now + LOCK_SECONDS:
            return self._locked_now()
        return {"failures": float(failures), "locked_until": float(until)}

    def _locked_now(self) -> dict[str, float]:
        """Locked for the normal period from now: what a damaged or tampered lock file means (written
        back, so the period runs from the first time it was found)."""
        locked = {"failures": 0.0, "locked_until": self._now() + LOCK_SECONDS}
        if not self._read_only:
            self._save(locked)
        return locked

    def _save(self, data: dict[str, float]) -> None:
        try:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.state_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(data))
            os.replace(tmp, self.state_file)
        except OSError:
            pass  # a read-only state folder: the lock-out still holds in memory for this run
        self._memory = data

    def _state(self) -> dict[str, float]:
        return self._memory if self._memory is not None else self._load()

    def locked_for(self) -> float:
        """Seconds until another try is allowed (0 when not locked)."""
        data = self._state()
        return max(0.0, data["locked_until"] - self._now())

    def attempt(self, pin: str) -> bool:
        stored = self.stored_hash()
        if stored is None or self.locked_for() > 0:
            return False
        data = self._state()
        if check_pin(pin, stored):
            self._save({"failures": 0.0, "locked_until": 0.0})
            return True
        failures = data["failures"] + 1
        locked_until = self._now() + LOCK_SECONDS if failures >= MAX_TRIES else 0.0
        self._save({"failures": 0.0 if locked_until else failures, "locked_until": locked_until})
        if locked_until:
            self.on_lockout()
        return False
