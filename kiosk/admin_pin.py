"""The staff PIN: a salted slow hash in the configuration, and a lock-out after five wrong tries."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from pathlib import Path

N, R, P = 2**14, 8, 1
MAX_TRIES = 5
LOCK_SECONDS = 300.0


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$hash` for the PIN (about 50 ms to compute, on purpose)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
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


class PinGuard:
    """Counts wrong tries (kept in the state folder, so a restart does not reset them)."""

    def __init__(self, stored_hash: str | None, state_file: Path, clock: object = time.time) -> None:
        self.stored_hash = stored_hash
        self.state_file = state_file
        self._clock = clock
        self._memory: dict[str, float] | None = None

    def _now(self) -> float:
        return float(self._clock())  # type: ignore[operator]

    def _load(self) -> dict[str, float]:
        try:
            data = json.loads(self.state_file.read_text())
            return {"failures": float(data.get("failures", 0)), "locked_until": float(data.get("locked_until", 0))}
        except (OSError, ValueError, AttributeError):
            return {"failures": 0.0, "locked_until": 0.0}

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
        if self.stored_hash is None or self.locked_for() > 0:
            return False
        data = self._state()
        if check_pin(pin, self.stored_hash):
            self._save({"failures": 0.0, "locked_until": 0.0})
            return True
        failures = data["failures"] + 1
        locked_until = self._now() + LOCK_SECONDS if failures >= MAX_TRIES else 0.0
        self._save({"failures": 0.0 if locked_until else failures, "locked_until": locked_until})
        return False
