"""The staff PIN: set-pin keeps the configuration readable by the service, a reload takes a new PIN at once,
and the lock-out state on disk is untrusted (anything odd locks for the normal period, never unlocks)."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.station.admin_pin import LOCK_SECONDS, MAX_TRIES, PinGuard, hash_pin, hash_problem
from kiosk.station.config import load_settings
from kiosk.station.settings import Settings
from kiosk.station.status import status
from tests.support.kiosk_driver import keys, screen_text
from tests.support.service_app import reloadable
from tests.support.service_user import ServiceBox


@pytest.mark.parametrize(("mode", "group"), [(0o644, 0), (0o640, 65534), (0o600, 0)])
def test_set_pin_keeps_the_owner_group_and_mode_and_the_service_can_read_it(
    mode: int, group: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = ServiceBox()
    try:
        config = box.config
        os.chown(config, 0, group)
        config.chmod(mode)
        monkeypatch.setattr("sys.stdin", io.StringIO("24680\n"))
        assert main(["set-pin", "--config", str(config), "--pin-stdin"]) == 0
        st = config.stat()
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, group, mode)
        assert [p.name for p in config.parent.iterdir() if p.name.endswith(".tmp")] == []
        settings = load_settings(config, Settings(box.content))
        assert settings.content_dir == box.content and settings.admin_pin_hash is not None
        if mode & 0o044:  # readable by the service's group or by anyone: the service user reads it
            box.give_to_service_user(box.state)
            result = subprocess.run(box.command("status"), capture_output=True, text=True, timeout=60, check=False)
            assert "admin PIN: set" in result.stdout and "configuration refused" not in result.stdout, result.stdout
    finally:
        box.close()


async def test_a_new_pin_works_after_a_reload_and_the_old_one_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = hash_pin("4321")
    app, config, _, _ = reloadable(tmp_path, f'admin_pin_hash: "{old}"\n', admin_pin_hash=old, kiosk_mode=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        monkeypatch.setattr("sys.stdin", io.StringIO("9876\n"))
        assert main(["set-pin", "--config", str(config), "--pin-stdin"]) == 0
        app.reload()  # what SIGHUP (systemctl reload) does
        await keys(pilot, *["asterisk"] * 5, "4", "3", "2", "1", "enter")
        assert "Leave kiosk" not in screen_text(app)  # the old PIN no longer opens it
        await keys(pilot, *["asterisk"] * 5, "9", "8", "7", "6", "enter")
        assert "Leave kiosk" in screen_text(app)


@pytest.mark.parametrize(
    "stored",
    [
        '{"failures": NaN, "locked_until": NaN}',
        '{"failures": 0, "locked_until": 1e300}',
        '{"failures": -5, "locked_until": 0}',
        '{"failures": "0", "locked_until": 0}',
        '{"failures": Infinity}',
        "[1, 2]",
        "not json",
    ],
)
def test_a_damaged_or_tampered_lock_file_locks_for_the_normal_period(tmp_path: Path, stored: str) -> None:
    lock = tmp_path / "admin-lock.json"
    lock.write_text(stored)
    now = [1000.0]
    pin_hash = hash_pin("2468")
    guard = PinGuard(lambda: pin_hash, lock, clock=lambda: now[0])
    assert guard.locked_for() == LOCK_SECONDS and not guard.attempt("2468")  # fail closed, never "unlocked"
    saved = json.loads(lock.read_text())  # sane values written back: the period runs from now, not forever
    assert saved == {"failures": 0.0, "locked_until": 1000.0 + LOCK_SECONDS}
    now[0] += LOCK_SECONDS / 2
    assert not guard.attempt("2468") and guard.locked_for() == LOCK_SECONDS / 2
    now[0] += LOCK_SECONDS / 2
    for _ in range(MAX_TRIES - 1):
        assert not guard.attempt("0000")
    assert guard.locked_for() == 0 and guard.attempt("2468")
    lock.unlink()
    os.mkfifo(lock)  # a pipe in its place never blocks the kiosk
    assert PinGuard(lambda: pin_hash, lock, clock=lambda: now[0]).locked_for() == LOCK_SECONDS


def test_an_invalid_pin_hash_is_reported_not_called_set(tmp_path: Path) -> None:
    assert hash_problem(hash_pin("1234")) is None and hash_problem(None) is None
    assert hash_problem("garbage") == "not a hash written by alt-kiosk set-pin"
    good = hash_pin("1234").split("$")
    assert hash_problem("$".join(["scrypt", "1048576", "64", *good[3:]])) == "its scrypt settings are out of range"
    config = tmp_path / "config.yaml"
    config.write_text("admin_pin_hash: garbage\n")
    lines, ok = status(load_settings(config, Settings(tmp_path / "content", state_dir=tmp_path / "state")))
    assert not ok and any(line.startswith("admin PIN: INVALID") for line in lines), lines


async def test_a_tap_that_arrives_twice_counts_once(tmp_path: Path) -> None:
    """foot reports one touch as two presses: ten presses in pairs 10 ms apart are five taps, not ten."""
    app, _, _, _ = reloadable(tmp_path, "", admin_pin_hash=hash_pin("4321"), kiosk_mode=True)
    now = [100.0]
    app.clock = lambda: now[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for tap in range(5):
            for _ in range(2):
                app.staff.gesture(tap=True)
                now[0] += 0.01
            now[0] += 0.5
            await pilot.pause()
            assert ("Staff PIN" in screen_text(app)) == (tap == 4), tap  # only the fifth tap opens the pad
