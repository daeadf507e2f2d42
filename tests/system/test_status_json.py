"""`alt-kiosk status --json`: what `status` says, as a document valid against docs/status.schema.json, with
the same exit codes, for content in use, refused, waiting, and a locked or damaged PIN."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kiosk.cli import main
from kiosk.station.admin_pin import LOCK_FILE, hash_pin
from kiosk.station.content_store import ContentStore
from tests.support.paths import CONTENT, ROOT

SCHEMA = json.loads((ROOT / "docs" / "status.schema.json").read_text())
ADVICE = Path("en") / "advice.yaml"


@pytest.fixture
def station(tmp_path: Path) -> tuple[Path, Path]:
    """A content folder (a copy of the bundled one) and a configuration naming it and a state folder."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    config = tmp_path / "config.yaml"
    config.write_text(f"content_dir: {folder}\nstate_dir: {tmp_path / 'state'}\ncache_dir: {tmp_path / 'cache'}\n")
    return folder, config


def status(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, Any], int, int]:
    """The JSON document (checked against the schema), its exit code, and the text status's exit code."""
    code = main(["status", "--json", "--config", str(config)])
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, SCHEMA)
    text_code = main(["status", "--config", str(config)])
    capsys.readouterr()
    return data, code, text_code


def test_the_bundled_content_in_use(station: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    folder, config = station
    ContentStore(folder, config.parent / "state").load()  # the kiosk started once: a last good copy exists
    data, code, text_code = status(config, capsys)
    assert code == text_code and data["ok"] is (code == 0)
    assert data["content"]["state"] == "OK" and data["content"]["serving"] == "folder"
    assert set(data["languages"]) == {"en", "zh"}
    for language in data["languages"].values():
        assert language["content_state"] == "OK" and language["reasons"] == []
    assert data["languages"]["en"]["voice_in"]["engine"] == "pocketsphinx"
    assert data["languages"]["zh"]["voice_in"]["engine"] == "off"
    assert data["languages"]["zh"]["voice_out"] == {"engine": "pyttsx3", "voice": "cmn", "problem": None}
    assert data["last_good_copy"]["current"] is True
    assert data["pin"] == {"set": False, "valid": True, "locked": False, "locked_for_s": 0}
    assert data["disk"]["state"]["free_bytes"] > 0 and data["disk"]["state"]["folder"].endswith("state")


def test_refused_content_names_its_language_and_line(
    station: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, config = station
    ContentStore(folder, config.parent / "state").load()
    with (folder / ADVICE).open("a") as advice:
        advice.write("broken: [\n")
    data, code, text_code = status(config, capsys)
    assert code == text_code == 1 and data["ok"] is False
    assert data["content"]["state"] == "REFUSED" and data["content"]["serving"] == "last good copy"
    en, zh = data["languages"]["en"], data["languages"]["zh"]
    assert en["content_state"] == "REFUSED" and en["reasons"][0].startswith(f"{folder / ADVICE}:")
    assert zh["content_state"] == "OK"
    assert en["content_version"] == data["content"]["versions"]["en"]


def test_a_shrinking_change_waits(station: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    folder, config = station
    ContentStore(folder, config.parent / "state").load()
    text = (folder / ADVICE).read_text()
    (folder / ADVICE).write_text(text[: text.index("  - id: recheck")] + text[text.index("  - id: see_doctor") :])
    data, code, _ = status(config, capsys)
    assert code == 1 and data["content"]["state"] == "WAITING"
    assert data["languages"]["en"]["content_state"] == "WAITING"
    assert any("recheck" in reason for reason in data["content"]["reasons"])


def test_the_pin_set_locked_and_damaged(station: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, config = station
    base = config.read_text()
    config.write_text(base + f'admin_pin_hash: "{hash_pin("4711")}"\n')
    state = config.parent / "state"
    state.mkdir(exist_ok=True)
    (state / LOCK_FILE).write_text(json.dumps({"failures": 0, "locked_until": time.time() + 250}))
    data, _, _ = status(config, capsys)
    assert data["pin"]["set"] and data["pin"]["valid"] and data["pin"]["locked"]
    assert 240 <= data["pin"]["locked_for_s"] <= 250
    (state / LOCK_FILE).write_text("{not json")
    assert status(config, capsys)[0]["pin"]["locked"] is True  # as the kiosk reads it: fail closed
    assert (state / LOCK_FILE).read_text() == "{not json"  # status only reads
    config.write_text(base + 'admin_pin_hash: "pbkdf2_sha256$broken"\n')
    data, code, _ = status(config, capsys)
    assert code == 1 and data["pin"]["valid"] is False


def test_a_refused_configuration_is_still_a_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("barge_in: perhaps\n")
    assert main(["status", "--json", "--config", str(config)]) == 1
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, SCHEMA)
    assert data["ok"] is False and data["configuration"]["problems"][0].startswith(f"{config}:1:")
