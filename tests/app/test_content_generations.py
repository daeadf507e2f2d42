"""Two generations: a kiosk that ends unexpectedly within a minute of applying new content starts again on
the copy before it, says so (status, the journal) until an admin changes or approves the content."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from kiosk.station import content_trial
from kiosk.station.content_store import ContentStore, approve
from kiosk.station.settings import Settings
from kiosk.station.status import status
from tests.support.paths import CONTENT

OLD_TIP, NEW_TIP = "Stop drinking alcohol now.", "Stop drinking alcohol today."


def _edit(folder: Path) -> None:
    tip = folder / "en" / "advice.yaml"
    tip.write_text(tip.read_text(encoding="utf-8").replace(OLD_TIP, NEW_TIP, 1), encoding="utf-8")


def _tip(store: ContentStore) -> str:
    assert store.live is not None
    return store.live["en"].advice[0].text.show


@pytest.fixture
def applied(tmp_path: Path) -> tuple[Path, Path, ContentStore]:
    """A kiosk that served the bundled content, then applied an edit (its trial minute begun)."""
    folder, state = tmp_path / "content", tmp_path / "state"
    shutil.copytree(CONTENT, folder)
    store = ContentStore(folder, state)
    store.load()
    _edit(folder)
    result = store.check()
    assert result is not None and not result.problems and NEW_TIP in _tip(store)
    assert (state / content_trial.TRIAL).is_file()
    return folder, state, store


def test_a_kiosk_that_ends_within_the_minute_starts_on_the_copy_before(
    applied: tuple[Path, Path, ContentStore], caplog: pytest.LogCaptureFixture
) -> None:
    folder, state, _ = applied
    with caplog.at_level(logging.ERROR):
        state_now = ContentStore(folder, state).load()  # the next start, after an unexpected end
    assert state_now.from_backup and OLD_TIP in state_now.packs["en"].advice[0].text.show
    assert "ended unexpectedly within a minute" in str(state_now.problems[0])
    assert "ended unexpectedly within a minute" in caplog.text
    lines, ok = status(Settings(folder, state_dir=state))
    assert not ok and any(line.startswith("content: REFUSED") and "ended unexpectedly" in line for line in lines)
    again = ContentStore(folder, state).load()  # and every start after, until an admin acts
    assert again.from_backup and OLD_TIP in again.packs["en"].advice[0].text.show
    approve(folder, state)  # `alt-kiosk content apply`: try it again
    tried = ContentStore(folder, state)
    assert not tried.load().problems and NEW_TIP in _tip(tried)


def test_a_clean_stop_or_a_minute_ends_the_trial(
    applied: tuple[Path, Path, ContentStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, state, store = applied
    store.trial.end()  # as a clean stop does
    assert not (state / content_trial.TRIAL).exists()
    after = ContentStore(folder, state).load()
    assert not after.problems and NEW_TIP in after.packs["en"].advice[0].text.show
    edited_back = (folder / "en" / "advice.yaml").read_text(encoding="utf-8").replace(NEW_TIP, OLD_TIP, 1)
    (folder / "en" / "advice.yaml").write_text(edited_back, encoding="utf-8")
    live = ContentStore(folder, state)
    live.load()
    assert (state / content_trial.TRIAL).is_file()  # new again: a new trial
    monkeypatch.setattr(content_trial, "TRIAL_SECONDS", 0.0)
    live.trial.tick()
    assert not (state / content_trial.TRIAL).exists()
