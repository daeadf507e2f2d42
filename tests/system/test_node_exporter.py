"""Debian's prometheus-node-exporter scraping the running kiosk's textfile on 127.0.0.1, and promtool's
lint of it: the metrics reach Prometheus and follow real events (content refused, a microphone gone)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.station.content_store import ContentStore
from kiosk.station.metrics import FILE
from tests.support.kiosk_driver import make_app
from tests.support.paths import CONTENT

pytestmark = pytest.mark.slow
EXPORTER = "/usr/bin/prometheus-node-exporter"


@pytest.fixture
def exporter(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """node_exporter with only its textfile collector, reading a fresh folder; (folder, scrape URL)."""
    assert shutil.which(EXPORTER), "scripts/setup test installs prometheus-node-exporter"
    folder = tmp_path / "textfiles"
    folder.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = ["--collector.disable-defaults", "--collector.textfile", f"--collector.textfile.directory={folder}"]
    process = subprocess.Popen(
        [EXPORTER, *args, f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield folder, url
    finally:
        process.terminate()
        process.wait(timeout=10)


def scrape(url: str) -> str:
    return str(urllib.request.urlopen(url, timeout=5).read().decode())


async def test_the_exporter_serves_the_kiosk_and_follows_a_refusal(exporter: tuple[Path, str], tmp_path: Path) -> None:
    folder, url = exporter
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    store = ContentStore(content, tmp_path / "state")
    store.load()
    app = make_app(content, metrics_dir=folder)
    app.updates.store = store
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lint = subprocess.run(["promtool", "check", "metrics"], input=(folder / FILE).read_bytes(), capture_output=True)
        assert lint.returncode == 0, lint.stdout + lint.stderr
        served = scrape(url)
        assert 'alt_kiosk_content_state{language="en",state="ok"} 1' in served
        assert "alt_kiosk_up 1" in served and "node_textfile_scrape_error 0" in served
        with (content / "en" / "advice.yaml").open("a") as advice:
            advice.write("broken: [\n")
        # The app's own poll sees it and settles it; its own check writes the file (no call from here).
        deadline = time.monotonic() + 60
        while 'alt_kiosk_content_state{language="en",state="refused"} 1' not in served:
            assert time.monotonic() < deadline, "the refusal never reached the exporter"
            await pilot.pause(0.5)
            served = scrape(url)
        assert 'alt_kiosk_content_state{language="zh",state="ok"} 1' in served
