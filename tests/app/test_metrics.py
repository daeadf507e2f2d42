"""The kiosk's Prometheus textfile (kiosk.station.metrics), written by the real app driven by Pilot: valid
exposition format, values that follow events, and nothing that tells two patients' answers apart."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from textual.pilot import Pilot

from kiosk.core.flow import Kind
from kiosk.core.problems import InvalidFiles
from kiosk.hearing.listener import MicListener
from kiosk.station.config import load_settings
from kiosk.station.content_store import ContentStore
from kiosk.station.metrics import FILE, Counters, Language, Station, TextfileWriter, render
from kiosk.station.settings import Settings
from kiosk.ui.app import KioskApp
from tests.support.barge_in import NO_MICROPHONE
from tests.support.fakes import ScriptedRecognizer
from tests.support.kiosk_driver import keys, make_app, tap
from tests.support.paths import CONTENT

TIMES = re.compile(r"^(alt_kiosk_(start_time_seconds|content_live_timestamp_seconds)) .*$", re.M)


def samples(text: str) -> dict[str, float]:
    """Each sample as `name{label="value",...}` -> value, through Prometheus's own parser."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
            out[f"{s.name}{{{labels}}}" if labels else s.name] = s.value
    return out


def written(app: KioskApp, folder: Path) -> str:
    app.metrics.update()
    return (folder / FILE).read_text()


async def front_desk(pilot: Pilot[None], app: KioskApp) -> None:
    await keys(pilot, "1", "1")  # start; warning signs: yes
    assert app.prompt.kind is Kind.FRONT_DESK
    await tap(pilot, "Start over")


async def every_tip_for_everyone(pilot: Pilot[None], app: KioskApp) -> None:
    await keys(pilot, "1", *["2"] * 6)  # start; no to every question
    while app.prompt.kind is Kind.READBACK:
        await keys(pilot, "enter")
    assert app.prompt.kind is Kind.GOODBYE
    await tap(pilot, "Start over")


async def test_two_patients_who_answer_differently_leave_the_same_file(tmp_path: Path) -> None:
    files = []
    for name, journey in (("a", front_desk), ("b", every_tip_for_everyone)):
        folder = tmp_path / name
        folder.mkdir()
        app = make_app(metrics_dir=folder)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            before = written(app, folder)
            await journey(pilot, app)
            assert app.prompt.kind is Kind.WELCOME and app.session.history == ()
            after = written(app, folder)
        assert samples(after)["alt_kiosk_sessions_started_total"] == 1
        assert samples(after)["alt_kiosk_sessions_ended_total"] == 1
        sessions = re.compile(r"^(alt_kiosk_sessions_(started|ended)_total) 0$", re.M)
        assert sessions.sub(r"\1 1", TIMES.sub(r"\1 T", before)) == TIMES.sub(r"\1 T", after)  # nothing else moved
        files.append(TIMES.sub(r"\1 T", after))
    assert files[0] == files[1]


async def test_the_file_follows_content_refused_and_a_lockout(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    folder = tmp_path / "metrics"
    folder.mkdir()
    app, store = make_app(content, metrics_dir=folder), ContentStore(content, tmp_path / "state")
    store.load()
    app.updates.store = store
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = samples(written(app, folder))
        assert first['alt_kiosk_content_state{language="en",state="ok"}'] == 1
        assert first['alt_kiosk_content_info{language="en",version="2026.11.27-1"}'] == 1
        assert first["alt_kiosk_sound_up"] == 0 and first["alt_kiosk_microphone_up"] == 0  # no speaker, no mic here
        with (content / "en" / "advice.yaml").open("a") as advice:
            advice.write("broken: [\n")
        app.updates.poll()
        app.updates.poll()  # seen, then settled
        now = samples(written(app, folder))
        assert now['alt_kiosk_content_state{language="en",state="refused"}'] == 1
        assert now['alt_kiosk_content_state{language="zh",state="ok"}'] == 1
        app.staff.pin_guard.on_lockout()
        assert samples(written(app, folder))["alt_kiosk_pin_lockouts_total"] == 1


def station(**changes: object) -> Station:
    languages = {"en": Language("2026.1-1", "ok", True, "piper:en_US-joe-medium")}
    base = {"version": "0.1.0", "languages": languages, "content_live_since": 1.5e9, "sound": True}
    base.update({"microphone": True, "barge_in": False, "speech_cache_ready": True})
    base.update(changes)
    return Station(**base)  # type: ignore[arg-type]


def test_every_metric_has_help_and_a_type_and_follows_the_naming_rules() -> None:
    text = render(station(), Counters(started_at=1.7e9))
    families = list(text_string_to_metric_families(text))
    names = [f.name for f in families]
    assert len(names) == len(set(names)) >= 15
    for family in families:
        assert family.name.startswith("alt_kiosk_") and family.documentation
        assert (family.type == "counter") == family.name.endswith(("_total", "_lockouts", "_started", "_ended"))
    assert 'alt_kiosk_voice_output_info{language="en",voice="piper:en_US-joe-medium"} 1' in text
    assert samples(text)["alt_kiosk_content_live_timestamp_seconds"] == 1.5e9


def test_the_file_is_written_whole_on_change_and_every_minute(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    writer, counters = TextfileWriter(), Counters()
    assert writer.update(tmp_path, station(), counters, now=0.0)
    assert (tmp_path / FILE).stat().st_mode & 0o777 == 0o644
    assert not writer.update(tmp_path, station(), counters, now=30.0)  # nothing changed
    assert writer.update(tmp_path, station(microphone=False), counters, now=31.0)  # a change: at once
    assert "alt_kiosk_microphone_up 0" in (tmp_path / FILE).read_text()
    assert writer.update(tmp_path, station(microphone=False), counters, now=92.0)  # a minute on: again
    assert [p.name for p in tmp_path.iterdir()] == [FILE]  # no temporary file left
    with caplog.at_level(logging.INFO):
        assert not TextfileWriter().update(tmp_path / "none", station(), counters)
    assert "metrics off: no folder" in caplog.text


async def test_a_microphone_that_goes_away_shows_as_voice_input_down(tmp_path: Path) -> None:
    """The real listener, given a device that does not exist: its fault shows as 0 at the next check."""
    listener = MicListener(lambda: {"en": ScriptedRecognizer("")}, {}, {}, NO_MICROPHONE)  # type: ignore[dict-item]
    app = make_app(metrics_dir=tmp_path)
    app.listener = listener
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            while listener.fault is None:
                await pilot.pause(0.05)
            down = samples(written(app, tmp_path))
            assert down["alt_kiosk_microphone_up"] == 0 and down['alt_kiosk_voice_input_up{language="en"}'] == 0
            listener.close()
            listener.fault = None  # as if the device had opened
            up = samples(written(app, tmp_path))
            assert up["alt_kiosk_microphone_up"] == 1 and up['alt_kiosk_voice_input_up{language="en"}'] == 1
            assert up['alt_kiosk_voice_input_up{language="zh"}'] == 0  # no recogniser for Chinese here
    finally:
        listener.close()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("off", None),
        ("null", None),
        ("false", None),
        ("/var/lib/prometheus/node-exporter", Path("/var/lib/prometheus/node-exporter")),
    ],
)
def test_metrics_dir_is_a_folder_or_off(tmp_path: Path, value: str, expected: Path | None) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"metrics_dir: {value}\n")
    assert load_settings(config, Settings(CONTENT, metrics_dir=tmp_path)).metrics_dir == expected


def test_metrics_dir_of_another_kind_is_refused_at_its_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("sound: true\nmetrics_dir: [a, b]\n")
    with pytest.raises(InvalidFiles, match=r"config.yaml:2:\d+: .*metrics_dir"):
        load_settings(config, Settings(CONTENT))
