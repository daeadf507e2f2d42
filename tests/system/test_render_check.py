"""The check renders what it approves: the real app draws every screen of every language in its own process,
and content whose screens do not show its own words is refused on every path, at its file:line:column."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core import snapshot
from kiosk.core.loader import load_snapshot
from kiosk.core.problems import InvalidFiles
from kiosk.core.tours import journeys
from kiosk.station.content_check import remembered, verdict
from kiosk.station.content_install import install
from kiosk.station.content_store import LAST_GOOD, ContentStore
from kiosk.ui.render_check import render_problems
from tests.support.paths import CONTENT

LONG_LABEL = 'unsure: "Not sure, I really cannot remember it at all"'


def _copy(tmp_path: Path, old: str = "", new: str = "") -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    if old:
        screens = folder / "en" / "screens.yaml"
        text = screens.read_text(encoding="utf-8")
        assert old in text
        screens.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_the_journeys_meet_every_answer_and_read_every_tip() -> None:
    from kiosk.core.loader import load_all

    for pack in load_all(CONTENT).values():
        planned = journeys(pack)
        answered = {(i, j.answers[i]) for j in planned for i in range(j.shown if not j.read_back else len(j.answers))}
        every = {(n, a) for n, q in enumerate(pack.questions) for a in q.answers}
        assert every <= answered, every - answered  # the bundled questions follow each other: index = order met
        assert any(j.read_back for j in planned)


def test_the_bundled_content_renders_at_both_sizes() -> None:
    started = time.monotonic()
    snap = snapshot.read(CONTENT)
    assert render_problems(snap, load_snapshot(snap)) == []
    assert time.monotonic() - started < 120


def test_a_label_the_panel_cannot_show_is_refused_at_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy(tmp_path, 'unsure: "Not sure"', LONG_LABEL)
    assert main(["content", "check", str(folder)]) == 1
    out = capsys.readouterr().out
    line = next(
        n for n, row in enumerate((folder / "en" / "screens.yaml").read_text().splitlines(), 1) if "Not sure," in row
    )
    assert f"{folder}/en/screens.yaml:{line}:" in out and "at 40x12" in out and "Not sure, I really" in out, out
    assert main(["content", "check", "--no-render", str(folder)]) == 0  # the rules alone pass it


def test_install_and_the_live_kiosk_refuse_it_and_keep_the_last_good_copy(tmp_path: Path) -> None:
    bad = _copy(tmp_path, 'unsure: "Not sure"', LONG_LABEL)
    with pytest.raises(InvalidFiles, match="at 40x12"):
        install(bad, tmp_path / "installed", render=render_problems)
    live = tmp_path / "live"
    shutil.copytree(CONTENT, live)
    state_dir = tmp_path / "state"
    store = ContentStore(live, state_dir, render=remembered(render_problems, state_dir))
    assert not store.load().problems and verdict(snapshot.read(live), state_dir) == []
    kept = (state_dir / LAST_GOOD / "en" / "screens.yaml").read_bytes()
    shutil.copyfile(bad / "en" / "screens.yaml", live / "en" / "screens.yaml")
    result = None
    deadline = time.monotonic() + 120
    while result is None and time.monotonic() < deadline:
        result = store.poll()  # seen, settled, then checked in the background while polls return None
        time.sleep(0.2)
    assert result is not None and result.problems and "at 40x12" in str(result.problems[0])
    assert (state_dir / LAST_GOOD / "en" / "screens.yaml").read_bytes() == kept  # written only after it passes
    assert store.live is not None and store.live["en"].buttons["unsure"].show == "Not sure"
    assert verdict(snapshot.read(live), state_dir)  # status reads what the kiosk found
