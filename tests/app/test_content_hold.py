"""Content edited in place goes live only when it is complete, and never shrinks without an admin's word."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core import snapshot
from kiosk.core.changes import removed, unfinished_files
from kiosk.core.loader import load_all
from kiosk.station.content_store import LAST_GOOD, ContentStore, content_digest
from tests.support.kiosk_driver import keys, screen_text
from tests.support.paths import CONTENT
from tests.support.service_app import kiosk

ADVICE = "en/advice.yaml"


def cut_mid_tip(folder: Path) -> None:
    """advice.yaml as a copy or an editor leaves it half-way: valid YAML, the last tips and half a sentence gone."""
    advice = folder / ADVICE
    data = advice.read_bytes()
    advice.write_bytes(data[: data.index(b"fruit and vegetables")])


def settle(store: ContentStore) -> object:
    """Two polls: the change is seen, then found settled and checked."""
    assert store.poll() is None
    return store.poll()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path / "content"


def test_what_counts_as_unfinished_and_as_removed(folder: Path) -> None:
    assert unfinished_files(snapshot.read(folder)) == []
    cut_mid_tip(folder)
    assert unfinished_files(snapshot.read(folder)) == [ADVICE]
    packs = load_all(folder)  # still valid content: that is the danger
    assert removed(load_all(CONTENT), packs) == ["en tips recheck, see_doctor"]
    assert removed(packs, load_all(CONTENT)) == []


def test_a_truncated_but_valid_file_is_held_and_the_last_good_copy_kept(folder: Path, tmp_path: Path) -> None:
    store = ContentStore(folder, tmp_path / "state")
    store.load()
    kept = tmp_path / "state" / LAST_GOOD
    before = content_digest(kept)
    cut_mid_tip(folder)
    state = settle(store)
    assert state is not None and state.packs == {} and state.problems == []  # type: ignore[attr-defined]
    assert state.waiting == [  # type: ignore[attr-defined]
        f"{ADVICE} does not end with a line break (still being written?)",
        "it removes en tips recheck, see_doctor",
    ]
    assert content_digest(kept) == before
    # A restart now serves the last good copy, and says what waits.
    restarted = ContentStore(folder, tmp_path / "state").load()
    assert restarted.from_backup and [a.id for a in restarted.packs["en"].advice][-1] == "see_doctor"
    assert restarted.waiting
    # The writer finishes: the complete file goes live on its own.
    shutil.copy(CONTENT / ADVICE, folder / ADVICE)
    (folder / ADVICE).touch()
    state = settle(store)
    assert state is not None and "en" in state.packs and not state.waiting  # type: ignore[attr-defined]


def test_a_shrinking_change_waits_for_content_apply(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"content_dir: {folder}\nstate_dir: {tmp_path / 'state'}\n")
    store = ContentStore(folder, tmp_path / "state")
    store.load()
    advice = folder / ADVICE
    text = advice.read_text()
    start = text.index("  - id: recheck")
    advice.write_text(text[:start] + text[text.index("  - id: see_doctor") :])  # complete, but a tip is gone
    state = settle(store)
    assert state is not None and state.waiting == ["it removes en tips recheck"]  # type: ignore[attr-defined]
    assert main(["status", "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert "content: WAITING" in out and "alt-kiosk content apply" in out and "recheck" in out
    assert main(["content", "apply", "--config", str(config)]) == 0
    assert "applied although it removes en tips recheck" in capsys.readouterr().out
    state = settle(store)
    assert state is not None and "recheck" not in [a.id for a in state.packs["en"].advice]  # type: ignore[attr-defined]
    assert content_digest(tmp_path / "state" / LAST_GOOD) == content_digest(folder)
    # Approval is for exactly those files: the next shrink waits again.
    text = advice.read_text()
    advice.write_text(text[: text.index("  - id: see_doctor")])
    state = settle(store)
    assert state is not None and state.waiting == ["it removes en tips see_doctor"]  # type: ignore[attr-defined]


def test_a_growing_change_goes_live_at_once(folder: Path, tmp_path: Path) -> None:
    store = ContentStore(folder, tmp_path / "state")
    store.load()
    advice = folder / ADVICE
    advice.write_text(
        advice.read_text()
        + "\n  - id: water\n    title: Water\n    text: Drink water through the day.\n    always: true\n"
    )
    state = settle(store)
    assert state is not None and not state.waiting and state.packs["en"].advice[-1].id == "water"  # type: ignore[attr-defined]
    assert content_digest(tmp_path / "state" / LAST_GOOD) == content_digest(folder)


def test_install_is_an_admins_word(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`content install` of a smaller set goes live without `apply`: installing is the explicit path."""
    live = tmp_path / "live"
    config = tmp_path / "config.yaml"
    config.write_text(f"content_dir: {live}\nstate_dir: {tmp_path / 'state'}\n")
    assert main(["content", "install", str(CONTENT), "--config", str(config)]) == 0
    store = ContentStore(live, tmp_path / "state")
    store.load()
    text = (folder / ADVICE).read_text()
    (folder / ADVICE).write_text(text[: text.index("  - id: recheck")] + text[text.index("  - id: see_doctor") :])
    assert main(["content", "install", str(folder), "--config", str(config)]) == 0
    state = settle(store)
    assert state is not None and not state.waiting and "en" in state.packs  # type: ignore[attr-defined]


async def test_the_running_kiosk_keeps_every_tip_and_says_content_waits(tmp_path: Path) -> None:
    app, content, notify = kiosk(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        cut_mid_tip(content)
        await pilot.pause(4.5)  # two polls
        assert app.updates.waiting and app.updates.pending is None
        assert "waits for `alt-kiosk content apply`" in app.status_line()
        assert any("waits for" in m for m in notify.drain())
        await keys(pilot, "1", "2", *["2"] * 5, "enter")  # no to everything: the tips for everyone
        assert "Tip 1 of 3" in screen_text(app)
        await keys(pilot, "enter", "enter")
        assert "See your doctor" in screen_text(app)


def test_root_on_a_kiosk_box_uses_the_services_state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An older configuration names no state_dir: `content apply` run by root must still reach the service."""
    from kiosk.station import settings

    monkeypatch.delenv("STATE_DIRECTORY", raising=False)
    monkeypatch.setattr(settings, "SERVICE_STATE_DIR", tmp_path / "var-lib-alt-kiosk")
    monkeypatch.setattr("os.geteuid", lambda: 0)
    assert settings.default_state_dir() != tmp_path / "var-lib-alt-kiosk"  # not a kiosk box
    (tmp_path / "var-lib-alt-kiosk").mkdir()
    assert settings.default_state_dir() == tmp_path / "var-lib-alt-kiosk"
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "unit"))  # the service itself: systemd says
    assert settings.default_state_dir() == tmp_path / "unit"


def test_content_that_is_the_last_good_copy_is_never_held(folder: Path, tmp_path: Path) -> None:
    """A file without its final line break that was already live (before this check) keeps serving."""
    advice = folder / ADVICE
    advice.write_bytes(advice.read_bytes().rstrip(b"\n"))
    state = tmp_path / "state"
    shutil.copytree(folder, state / LAST_GOOD)  # what an earlier release kept
    loaded = ContentStore(folder, state).load()
    assert not loaded.waiting and not loaded.from_backup


@pytest.mark.parametrize(("service", "ok"), [("failed", False), ("inactive", False), ("active", True)])
def test_status_needs_attention_when_the_service_is_down(
    service: str, ok: bool, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.station import status

    config = tmp_path / "config.yaml"
    config.write_text(
        f"content_dir: {folder}\nstate_dir: {tmp_path / 'state'}\nspeech_engine: {{en: off}}\nsound: false\n"
    )
    ContentStore(folder, tmp_path / "state").load()  # the kiosk has kept its copy
    monkeypatch.setattr(status, "service_state", lambda: ("alt-kiosk-touch.service", service))
    assert (main(["status", "--config", str(config)]) == 0) == ok


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"alt-kiosk-touch.service": ("active", "enabled")}, ("alt-kiosk-touch.service", "active")),
        ({"alt-kiosk.service": ("failed", "enabled")}, ("alt-kiosk.service", "failed")),
        ({}, ("", "not installed")),
    ],
)
def test_status_follows_the_unit_this_box_has(
    answers: dict[str, tuple[str, str]], expected: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """systemctl as a stand-in script answering for the units a box has (the real one needs a booted systemd)."""
    from kiosk.station import ops

    cases = "".join(
        f'  *"is-active {unit}"*) echo {active}; exit 0;;\n  *"is-enabled {unit}"*) echo {enabled}; exit 0;;\n'
        for unit, (active, enabled) in answers.items()
    )
    script = tmp_path / "bin" / "systemctl"
    script.parent.mkdir()
    script.write_text(
        f'#!/bin/sh\ncase "$*" in\n{cases}  *is-active*) echo inactive; exit 3;;\n  *) echo not-found; exit 1;;\nesac\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{script.parent}:{os.environ['PATH']}")
    monkeypatch.setattr(ops, "SYSTEMD_RUNNING", tmp_path)
    assert ops.service_state() == expected
