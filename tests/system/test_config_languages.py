"""A language the content does not have is refused in the configuration, at its file:line:column."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kiosk.station.config import load_settings
from kiosk.station.settings import Settings
from kiosk.station.status import status
from tests.support.kiosk_driver import screen_text
from tests.support.paths import CONTENT
from tests.support.service_app import reloadable
from tests.support.service_user import ALT_KIOSK


def test_an_unknown_language_is_refused_where_it_is_written(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"content_dir: {CONTENT}\nstate_dir: {tmp_path / 'state'}\nlanguages: [en, xx]\n")
    where = f"{config}:3:17: languages: no language 'xx' in the content (it has: en, zh)"
    run = subprocess.run(
        [ALT_KIOSK, "run", "--mute", "--config", str(config)], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 1 and where in run.stderr and "configuration refused" in run.stderr, run.stderr
    lines, ok = status(load_settings(config, Settings(CONTENT)))
    assert not ok and f"configuration: REFUSED, {where}" in lines, lines


async def test_a_reload_with_an_unknown_language_keeps_the_configuration_in_use(tmp_path: Path) -> None:
    app, config, _, _ = reloadable(tmp_path, "languages: [zh]\nidle_seconds: 45\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.reload()
        await pilot.pause()
        assert app.settings.languages == ("zh",) and app.settings.idle_seconds == 45
        config.write_text("languages: [xx]\nidle_seconds: 30\n")
        app.reload()
        await pilot.pause()
        assert app.settings.languages == ("zh",) and app.settings.idle_seconds == 45  # the old one stays
        assert "肝功能小助手" in screen_text(app)  # still offering Chinese only


def test_the_readme_documents_every_configuration_key_and_its_example_loads(tmp_path: Path) -> None:
    """README's configuration block is the configuration's table (kiosk.station.config.READERS), key for key,
    in its order, and an admin who copies it gets a file the kiosk accepts."""
    import re

    from kiosk.station.config import READERS, load_settings
    from kiosk.station.settings import Settings
    from tests.support.paths import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("### Configuration: `/etc/alt-kiosk/config.yaml`", 1)[1].split("```yaml\n", 1)[1]
    block = block.split("```", 1)[0]
    keys = re.findall(r"(?m)^([a-z_]+):", block)
    assert keys == list(READERS), keys
    copied = tmp_path / "config.yaml"
    copied.write_text(block, encoding="utf-8")
    settings = load_settings(copied, Settings(tmp_path))
    assert settings.languages == ("en",) and settings.volume_step == 3 and settings.touch_panel is None
