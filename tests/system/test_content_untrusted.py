"""Content is untrusted input: whatever an admin (or an attacker with the kiosk user's rights) puts in the
content folder, every reader refuses it with one clear line and the kiosk serves the last good copy.

The real program runs as a non-root user (tests/support/service_user.py), in tmux, with its journal read by the test.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.core import snapshot
from kiosk.station.content_store import LAST_GOOD, ContentStore
from tests.support.paths import CONTENT
from tests.support.service_user import ServiceBox
from tests.support.tmux import Tmux

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="runs the kiosk as another user (needs root to switch)")


ADVICE_LINES = (CONTENT / "en" / "advice.yaml").read_text(encoding="utf-8").count("\n")


def deep_nesting(en: Path) -> None:
    with open(en / "advice.yaml", "a", encoding="utf-8") as f:
        f.write("x: " + "[" * 3000 + "]" * 3000 + "\n")


def unreadable_folder(en: Path) -> None:
    en.chmod(0)


def named_pipe(en: Path) -> None:
    (en / "advice.yaml").unlink()
    os.mkfifo(en / "advice.yaml")


def link_to_dev_zero(en: Path) -> None:
    (en / "advice.yaml").unlink()
    (en / "advice.yaml").symlink_to("/dev/zero")


def sparse_3gb(en: Path) -> None:
    with open(en / "advice.yaml", "r+b") as f:
        f.truncate(3 * 1024**3)


FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    # 3,000 levels: libyaml's own limit (1,000) stops the parser at the 1,000th bracket.
    "deep nesting": (
        deep_nesting,
        f"en/advice.yaml:{ADVICE_LINES + 1}:1003: YAML syntax error: exceeded maximum nesting depth",
    ),
    "unreadable folder": (unreadable_folder, "content/en:1:1: cannot read the folder: Permission denied"),
    "named pipe": (named_pipe, "en/advice.yaml:1:1: is a named pipe, not a regular file"),
    "link to /dev/zero": (link_to_dev_zero, "en/advice.yaml:1:1: is a symbolic link, not a regular file"),
    "3 GB sparse file": (sparse_3gb, "en/advice.yaml:1:1: file is 3221225472 bytes; the limit is 1048576"),
}


@pytest.fixture
def box() -> Iterator[ServiceBox]:
    box = ServiceBox()
    box.config.write_text(box.config.read_text() + "speech_engine: {en: off, zh: off}\n")
    yield box
    for here, folders, _ in os.walk(box.root):
        for name in folders:
            os.chmod(os.path.join(here, name), 0o755)
    box.close()


def run(box: ServiceBox, *args: str, config: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(box.command(*args, config=config), capture_output=True, text=True, timeout=60, check=False)


def start(box: ServiceBox) -> Tmux:
    return Tmux(shlex.join(box.command("run", "--kiosk", "--mute", journal=True)), env=box.env())


@pytest.mark.parametrize("fault", FAULTS)
def test_the_commands_refuse_with_one_line_and_the_kiosk_starts_on_the_last_good_copy(
    box: ServiceBox, fault: str
) -> None:
    kiosk = start(box)  # a first, good start saves the last good copy
    kiosk.wait_for("Liver test helper")
    kiosk.kill()
    breaks, line = FAULTS[fault]
    breaks(box.content / "en")
    began = time.monotonic()
    check = run(box, "content", "check", str(box.content), config=False)
    assert time.monotonic() - began < 10
    assert check.returncode == 1 and "Traceback" not in check.stdout + check.stderr
    assert line in check.stdout, check.stdout
    status = run(box, "status")
    assert status.returncode == 1 and "Traceback" not in status.stdout + status.stderr
    assert "content: REFUSED" in status.stdout and line in status.stdout
    assert "the kiosk serves the last good copy, en 2026.11.27-1" in status.stdout

    kiosk = start(box)
    try:
        kiosk.wait_for("Liver test helper")
        time.sleep(1)  # the first screen settles (a key at its first frame is taken for a double tap)
        kiosk.keys("1")
        kiosk.wait_for("Question 1 of 6")
        assert any("content refused:" in m and line in m for m in box.messages(wait=1)), box.messages()
    finally:
        kiosk.kill()


def test_a_fault_while_running_never_blocks_the_screen_and_reload_answers_systemd(box: ServiceBox) -> None:
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify_path = box.root / "notify.sock"
    notify.bind(str(notify_path))
    notify_path.chmod(0o666)
    kiosk = Tmux(
        shlex.join(box.command("run", "--kiosk", "--mute", journal=True)),
        env={**box.env(), "NOTIFY_SOCKET": str(notify_path)},
    )
    try:
        kiosk.wait_for("Liver test helper")
        time.sleep(1)
        named_pipe(box.content / "en")
        time.sleep(5)  # two polls: seen, settled, checked
        kiosk.keys("1")
        kiosk.wait_for("Question 1 of 6", timeout=3)
        assert any("new content refused" in m and "is a named pipe" in m for m in box.messages(wait=1))
        (box.content / "en" / "advice.yaml").unlink()
        shutil.copy(CONTENT / "en" / "advice.yaml", box.content / "en" / "advice.yaml")
        deep_nesting(box.content / "en")
        notify.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while True:  # what the kiosk said so far
                notify.recv(65536)
        notify.settimeout(5)
        os.kill(kiosk.pid(), signal.SIGHUP)  # systemctl reload
        said = [notify.recv(65536).decode()]
        while not said[-1].startswith("READY=1"):
            said.append(notify.recv(65536).decode())  # a timeout (5 s) fails the test
        assert said[0] == "RELOADING=1", said
        assert "new content refused: 1 problems, first:" in said[-1] and "nesting depth" in said[-1]
        kiosk.keys("2")
        kiosk.wait_for("Question 2 of 6", timeout=3)
    finally:
        kiosk.kill()
        notify.close()


def test_the_last_good_copy_holds_only_content_files_never_what_links_point_at(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "en" / "notes.txt").symlink_to("/dev/zero")
    (content / "zh" / "fifo").parent.mkdir(exist_ok=True)
    os.mkfifo(content / "zh" / "fifo")
    store = ContentStore(content, tmp_path / "state")
    store.load()
    screens = content / "en" / "screens.yaml"
    screens.write_text(screens.read_text().replace("title: Liver test helper", "title: Liver helper v2"))
    assert store.check() is not None and store.keep_problem is None
    kept = tmp_path / "state" / LAST_GOOD
    files = sorted(str(p.relative_to(kept)) for p in kept.rglob("*") if p.is_file())
    assert files == sorted(f"{code}/{name}" for code in ("en", "zh") for name in snapshot.FILES)
    assert sum(p.stat().st_size for p in kept.rglob("*") if p.is_file()) < 200_000
    assert b"Liver helper v2" in (kept / "en" / "screens.yaml").read_bytes()


def _zip(path: Path, cut: bool) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for file in sorted(CONTENT.rglob("*.yaml")):
            z.write(file, str(file.relative_to(CONTENT)))
    if cut:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        path.write_bytes(os.urandom(4096))
    return path


@pytest.mark.parametrize("kind", ["truncated zip", "random bytes", "folder holding a pipe", "a named pipe"])
def test_content_install_refuses_cleanly_and_changes_nothing(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "live"
    shutil.copytree(CONTENT, target)
    before = snapshot.read(target).digest()
    if kind == "folder holding a pipe":
        new = tmp_path / "new"
        shutil.copytree(CONTENT, new)
        (new / "en" / "questions.yaml").unlink()
        os.mkfifo(new / "en" / "questions.yaml")
    elif kind == "a named pipe":
        new = tmp_path / "new.zip"
        os.mkfifo(new)
    else:
        new = _zip(tmp_path / "new.zip", cut=kind == "truncated zip")
    from tests.support.service_user import ALT_KIOSK

    result = subprocess.run(
        [ALT_KIOSK, "content", "install", str(new), "--to", str(target)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")},
    )
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines and all(line.startswith(str(new)) for line in lines), result.stdout
    assert "content refused; nothing changed" in result.stderr
    assert snapshot.read(target).digest() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".install-")] == []
