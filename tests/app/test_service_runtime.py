"""The running kiosk as a service: notify protocol, watchdog, reload, hot-swapped content, logs, PIN."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import time
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.flow import Kind
from kiosk.core.loader import load_all
from kiosk.core.problems import InvalidFiles
from kiosk.hearing import Heard
from kiosk.station.admin_pin import LOCK_SECONDS, PinGuard, check_pin, hash_pin
from kiosk.station.config import load_settings
from kiosk.station.content_install import install, rollback
from kiosk.station.content_store import ContentStore
from kiosk.station.installer import DEFAULT_CONFIG
from kiosk.station.logs import JournalHandler, encode_journal
from kiosk.station.settings import Settings
from kiosk.ui.station_app import LEAVE_EXIT_CODE
from tests.support.fakes import ScriptedListener
from tests.support.kiosk_driver import keys, screen_text
from tests.support.paths import CONTENT
from tests.support.service_app import kiosk, reloadable


async def test_ready_status_and_watchdog_from_the_event_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "100000")  # 0.1 s: ping every 0.05 s
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    app, _, notify = kiosk(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        messages = notify.drain()
        assert any(
            m.startswith("READY=1\nSTATUS=content en 2026.11.27-1,zh 2026.11.26-1; sound on") for m in messages
        ), messages
        assert messages.count("WATCHDOG=1") >= 3
        # A blocked event loop stops the pings (so systemd restarts a frozen UI).
        notify.messages.clear()
        time.sleep(0.5)  # the loop is blocked: this test holds it
        assert notify.drain() == []
        await pilot.pause(0.3)
        assert "WATCHDOG=1" in notify.drain()


async def test_content_is_swapped_between_patients_never_mid_session(tmp_path: Path) -> None:
    app, content, notify = kiosk(tmp_path)
    screens = content / "en" / "screens.yaml"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1", "2")  # a patient is mid-session
        screens.write_text(screens.read_text().replace("title: Liver test helper", "title: Liver helper v2"))
        await pilot.pause(4.5)  # two polls: changed, then settled
        assert app.updates.pending is not None and "Question 2 of 6" in screen_text(app)
        assert app.session.answers == {"warning_signs": "no"}
        await keys(pilot, "8")  # start over: between patients, the new content applies
        assert "Liver helper v2" in screen_text(app)
        assert "STATUS=content en" in "".join(notify.drain())


@pytest.mark.parametrize("breakage", ["invalid", "truncated", "deleted"])
async def test_bad_content_is_refused_and_the_kiosk_keeps_serving(
    tmp_path: Path, breakage: str, caplog: pytest.LogCaptureFixture
) -> None:
    app, content, _ = kiosk(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1")
        advice = content / "en" / "advice.yaml"
        if breakage == "invalid":
            advice.write_text(advice.read_text().replace("title: Food", "title: ''"))
        elif breakage == "truncated":
            advice.write_bytes(advice.read_bytes()[:300])
        else:
            shutil.rmtree(content)
        with caplog.at_level(logging.ERROR):
            await pilot.pause(4.5)
        assert app.updates.problems, "the refusal is recorded for status and the admin screen"
        assert any("refused" in r.getMessage() for r in caplog.records)
        await keys(pilot, "2", *["2"] * 5, "enter")
        assert "Tip 1 of 3" in screen_text(app) and "Food" in screen_text(app)
        await keys(pilot, "8")
        assert "Liver test helper" in screen_text(app)


def test_last_good_content_survives_a_restart(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    ContentStore(content, tmp_path / "state").load()
    (content / "en" / "questions.yaml").write_text("questions: [\n")
    state = ContentStore(content, tmp_path / "state").load()  # the "restart"
    assert state.from_backup and state.problems and "en" in state.packs
    shutil.rmtree(content)
    assert "en" in ContentStore(content, tmp_path / "state").load().packs
    with pytest.raises(InvalidFiles):
        ContentStore(content, tmp_path / "no-state").load()


def test_read_only_state_folder_does_not_stop_the_kiosk(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING):
        store = ContentStore(CONTENT, blocker / "state")
        state = store.load()
    assert "en" in state.packs
    assert any("could not save the last good copy" in r.getMessage() for r in caplog.records)
    assert store.keep_problem and "Not a directory" in store.keep_problem  # for the status line


def test_install_and_rollback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "live" / "content"
    assert "installed en 2026.11.27-1" in install(CONTENT, target)
    changed = tmp_path / "v2"
    shutil.copytree(CONTENT, changed)
    lang = changed / "en" / "language.yaml"
    lang.write_text(lang.read_text().replace("2026.11.27-1", "2026.12.01-1"))
    shutil.make_archive(str(tmp_path / "v2"), "zip", changed)
    assert main(["content", "install", str(tmp_path / "v2.zip"), "--to", str(target)]) == 0
    assert load_all(target)["en"].version == "2026.12.01-1"
    assert main(["content", "rollback", "--to", str(target)]) == 0
    assert load_all(target)["en"].version == "2026.11.27-1"
    rollback(target)
    assert load_all(target)["en"].version == "2026.12.01-1"
    bad = tmp_path / "bad"
    shutil.copytree(CONTENT, bad)
    (bad / "en" / "advice.yaml").write_text("advice: []\n")
    capsys.readouterr()
    assert main(["content", "install", str(bad), "--to", str(target)]) == 1
    assert "advice.yaml:1:9: advice: the list is empty" in capsys.readouterr().out.replace(str(bad) + "/", "")
    assert load_all(target)["en"].version == "2026.12.01-1"  # nothing changed


def test_zip_entries_that_escape_are_refused(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../etc/evil.yaml", "x: 1")
    with pytest.raises(InvalidFiles, match="escapes the folder"):
        install(archive, tmp_path / "content")
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize("trace", [False, True])
async def test_a_whole_session_leaves_no_health_information_in_the_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, trace: bool
) -> None:
    if trace:  # even the developers' trace of screens and taps carries no answer, word or tip
        monkeypatch.setenv("ALT_KIOSK_TRACE", "1")
    app, _, _ = kiosk(tmp_path)
    listener = app.listener
    assert isinstance(listener, ScriptedListener)
    secrets = ["nope i never drink", "sorta tired maybe", "hepatitis banana"]
    with caplog.at_level(logging.DEBUG):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await keys(pilot, "1")
            listener.on_heard(Heard(secrets[0], "no", 1.0))
            await pilot.pause()
            listener.on_heard(Heard(secrets[2], None, 0.0))
            await pilot.pause()
            await keys(pilot, "1", "3", "1", "2", "3")
            while app.prompt.kind is Kind.READBACK:
                await keys(pilot, "enter")
            assert app.prompt.kind is Kind.GOODBYE
            listener.on_heard(Heard(secrets[1], None, 0.0))
            await keys(pilot, "8")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "session started" in text and "session ended" in text
    traced = ("intent rejected", "intent accepted (voice): answer", "screen readback")
    assert all((line in text) == trace for line in traced), text
    for secret in [*secrets, "yes", "unsure", "Alcohol", "Hepatitis", "Sleep and rest", "medicines", "A test for"]:
        assert secret not in text, secret


def test_journal_protocol_on_a_real_socket(tmp_path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "journal"))
    handler = JournalHandler(str(tmp_path / "journal"))
    record = logging.LogRecord("kiosk", logging.ERROR, __file__, 1, "sound unavailable: %s", ("no device",), None)
    handler.emit(record)
    data = sock.recv(65536)
    assert b"MESSAGE=sound unavailable: no device\n" in data and b"PRIORITY=3\n" in data
    assert b"SYSLOG_IDENTIFIER=alt-kiosk\n" in data
    multi = encode_journal({"MESSAGE": "a\nb"})
    assert multi == b"MESSAGE\n" + (3).to_bytes(8, "little") + b"a\nb\n"


def test_a_journal_that_does_not_read_never_blocks_the_kiosk(tmp_path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "journal"))  # bound, never read: its queue fills after a few records
    handler = JournalHandler(str(tmp_path / "journal"))
    record = logging.LogRecord("kiosk", logging.INFO, __file__, 1, "screen welcome", (), None)
    began = time.monotonic()
    for _ in range(200):
        handler.emit(record)
    assert time.monotonic() - began < 1.0 and handler.dropped > 100
    assert sock.recv(65536).startswith(b"MESSAGE=screen welcome\n")


def test_configuration_file_is_checked_with_file_and_line(tmp_path: Path) -> None:
    good = tmp_path / "config.yaml"
    good.write_text(DEFAULT_CONFIG.replace("/var/lib/alt-kiosk/content", str(CONTENT)))
    settings = load_settings(good, Settings(Path("x")))
    assert settings.content_dir == CONTENT and settings.volume_step == 3 and settings.speech_engine == {"en": "auto"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("idle_seconds: soon\nvolume: 9\nrate: fast\nspeech_engine: {en: google}\ncolour: red\n")
    with pytest.raises(InvalidFiles) as err:
        load_settings(bad, Settings(Path("x")))
    lines = [str(p).replace(str(tmp_path) + "/", "") for p in err.value.problems]
    assert "bad.yaml:1:15: idle_seconds should be a number from 5 to 3600" in lines
    assert "bad.yaml:2:9: volume should be a number from 0 to 4" in lines
    assert "bad.yaml:3:7: rate should be one of: normal, slow" in lines
    assert "bad.yaml:4:21: speech_engine: en should be one of: auto, vosk, pocketsphinx, off" in lines
    assert any(line.startswith("bad.yaml:5:1: config: unknown key 'colour'") for line in lines)


def test_config_from_environment_and_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("volume: [1]\n")
    monkeypatch.setenv("ALT_KIOSK_CONFIG", str(config))
    assert main(["run"]) == 1
    assert f"{config}:1:9: volume should be a number from 0 to 4" in capsys.readouterr().err
    assert main(["status", "--config", str(tmp_path / "missing.yaml")]) == 1


def test_pin_is_a_salted_slow_hash_and_locks_after_five_wrong_tries(tmp_path: Path) -> None:
    stored = hash_pin("2468")
    assert stored.startswith("scrypt$") and "2468" not in stored and stored != hash_pin("2468")
    assert check_pin("2468", stored) and not check_pin("1357", stored)
    now = [1000.0]
    guard = PinGuard(lambda: stored, tmp_path / "lock.json", clock=lambda: now[0])
    for _ in range(4):
        assert not guard.attempt("0000")
    assert guard.locked_for() == 0 and not guard.attempt("0000")
    assert guard.locked_for() == LOCK_SECONDS
    again = PinGuard(lambda: stored, tmp_path / "lock.json", clock=lambda: now[0])  # a restart does not reset it
    assert not again.attempt("2468")
    now[0] += LOCK_SECONDS + 1
    assert again.attempt("2468")


def test_set_pin_writes_the_hash_into_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    config = tmp_path / "config.yaml"
    config.write_text("volume: 2\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("13579\n"))
    assert main(["set-pin", "--config", str(config), "--pin-stdin"]) == 0
    settings = load_settings(config, Settings(Path("x")))
    assert settings.volume_step == 2 and settings.admin_pin_hash and check_pin("13579", settings.admin_pin_hash)
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert main(["set-pin", "--config", str(config), "--pin-stdin"]) == 2


async def test_admin_screen_by_gesture_and_pin_then_leave_kiosk_mode(tmp_path: Path) -> None:
    app, _, _ = kiosk(tmp_path, admin_pin_hash=hash_pin("4321"), kiosk_mode=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "asterisk", "asterisk", "asterisk")
        assert "Staff PIN" not in screen_text(app)  # three is not the gesture
        await keys(pilot, "asterisk", "asterisk")
        assert "Staff PIN" in screen_text(app)
        await keys(pilot, "1", "1", "1", "1", "enter")  # wrong
        assert "Staff" not in screen_text(app)
        for _ in range(5):
            await pilot.click(offset=(3, 0))  # five taps on the top line: the touch gesture
            await pilot.pause(0.1)  # a finger's taps are more than 80 ms apart (closer ones are one tap)
        assert "Staff PIN" in screen_text(app)
        await keys(pilot, "4", "3", "2", "1", "enter")
        text = screen_text(app)
        assert "content en 2026.11.27-1" in text and "microphone [" in text and "Leave kiosk" in text
        await pilot.click("#admin-volume-up")
        assert app.settings.volume_step == 4
        await pilot.click("#admin-leave")
        await pilot.pause()
    assert app.return_code == LEAVE_EXIT_CODE


async def test_sighup_reloads_configuration_and_content(tmp_path: Path) -> None:
    app, _, content, notify = reloadable(tmp_path, "idle_seconds: 45\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screens = content / "en" / "screens.yaml"
        screens.write_text(screens.read_text().replace("title: Liver test helper", "title: Reloaded helper"))
        os.kill(os.getpid(), 0)  # (the signal handler is the loop's; here we call what it calls)
        app.reload()
        await pilot.pause()
        assert app.settings.idle_seconds == 45 and "Reloaded helper" in screen_text(app)
        assert "RELOADING=1" in notify.drain() and any(m.startswith("READY=1") for m in notify.messages)
