"""Choosing a voice: the spoken form both engines share, voice names in the configuration, installed
Piper voices preferred over espeak-ng, bad voice folders refused, and the renderer's fallback when a voice
fails (with engines that fail on purpose)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.problems import InvalidFiles
from kiosk.core.say_as import spoken_form
from kiosk.speaking.render import PiperSynthesizer, Renderer
from kiosk.speaking.synth import SynthesisError
from kiosk.speaking.voices import Voice, choose, parse_spec
from kiosk.speech.models import ModelError, install, verify
from kiosk.station.config import load_settings
from kiosk.station.settings import Settings
from tests.support.paths import ROOT
from tests.support.piper import JOE, installed_folder_voice, joe

LONG = "Alcohol can hurt your liver. Stop drinking alcohol now. This means beer, wine, and all other drinks."


# The spoken form ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("Your ALT is high.", "en", "Your A L T is high."),
        ("ALT, AST and GGT.", "en", "A L T, A S T and G G T."),
        ("Sleep 7 to 8 hours.", "en", "Sleep 7 to 8 hours."),
        ("Check again in 1-2 weeks, 3–4 times.", "en", "Check again in 1 to 2 weeks, 3 to 4 times."),
        ("您的ALT偏高。1-2周后复查。", "zh", "您的A L T偏高。1到2周后复查。"),
        ("Alcohol, Always, I.", "en", "Alcohol, Always, I."),
    ],
)
def test_both_engines_read_the_same_spoken_form(text: str, language: str, said: str) -> None:
    assert spoken_form(text, language) == said


# Choosing a voice --------------------------------------------------------------------------------


def test_voice_names_parse_and_bad_ones_are_refused_with_their_place(tmp_path: Path) -> None:
    assert parse_spec("auto") == ("auto", "")
    assert parse_spec("piper:en_US-joe-medium") == ("piper", "en_US-joe-medium")
    assert parse_spec("en-us") == ("pyttsx3", "en-us")  # a bare name is espeak-ng's, as in language.yaml
    with pytest.raises(ValueError, match="expected auto"):
        parse_spec("festival:kal")
    config = tmp_path / "config.yaml"
    config.write_text("voice:\n  en: piper:en_US-joe-medium\n  zh: festival:kal\n")
    with pytest.raises(InvalidFiles) as refused:
        load_settings(config, Settings(ROOT / "content"))
    assert f"{config}:3:7: voice: zh:" in str(refused.value)
    config.write_text("voice:\n  en: piper:en_US-joe-medium\n  zh: pyttsx3\n")
    assert load_settings(config, Settings(ROOT / "content")).voice == {"en": "piper:en_US-joe-medium", "zh": "pyttsx3"}


def test_auto_prefers_an_installed_piper_voice_and_espeak_ng_is_the_floor(tmp_path: Path) -> None:
    models = tmp_path / "models"
    voice, why = choose("en", "auto", "en-us", models)
    assert (voice.spec, why) == (f"piper:{JOE}", None)
    assert voice.fallback == Voice.espeak("en-us", "en")  # what it falls back to
    assert choose("en", "pyttsx3", "en-us", models) == (Voice.espeak("en-us", "en"), None)
    assert choose("en", "pyttsx3:en-gb", "en-us", models)[0].spec == "pyttsx3:en-gb"
    assert choose("zh", "auto", "cmn", models) == (Voice.espeak("cmn", "zh"), None)  # no Chinese Piper voice
    floor, why = choose("zh", "piper", "cmn", models)
    assert floor.spec == "pyttsx3:cmn" and "no Piper voice for zh is installed" in (why or "")
    floor, why = choose("en", "piper:en_GB-nobody-low", "en-us", models)
    assert floor.spec == "pyttsx3:en-us" and "no Piper voice en_GB-nobody-low" in (why or "")

    # A voice folder, installed like a model: verified, atomic, its language read from its config.
    installed = install(str(installed_folder_voice(models)), models)
    assert (installed.kind, installed.language) == ("piper", "en") and verify(models) == []
    assert choose("en", "auto", "en-us", models)[0].spec == "piper:en_US-clinic-medium"  # an admin's folder first
    assert choose("en", f"piper:{JOE}", "en-us", models)[0].spec == f"piper:{JOE}"


def test_a_voice_folder_without_its_config_is_refused_and_nothing_is_installed(tmp_path: Path) -> None:
    models = tmp_path / "models"
    source = installed_folder_voice(models)
    (source / "en_US-clinic-medium.onnx.json").unlink()
    with pytest.raises(ModelError, match=r"Piper voice en_US-clinic-medium.onnx without a readable"):
        install(str(source), models)
    assert [p.name for p in models.iterdir()] == []  # no half-installed voice, no leftovers


def test_a_file_that_is_not_a_voice_or_a_language_that_is_not_a_code_is_refused(tmp_path: Path) -> None:
    import json

    models = tmp_path / "models"
    fake = installed_folder_voice(models, "en_US-fake-medium")
    (fake / "en_US-fake-medium.onnx").write_bytes(b"not an onnx model" * 1000)
    with pytest.raises(ModelError, match=r"en_US-fake-medium.onnx is not a voice onnxruntime can load"):
        install(str(fake), models)
    odd = installed_folder_voice(models, "en_US-odd-medium")
    config = odd / "en_US-odd-medium.onnx.json"
    data = json.loads(config.read_text())
    data["language"]["family"] = "../../etc"
    config.write_text(json.dumps(data))
    with pytest.raises(ModelError, match=r"'\.\./\.\./etc' is not a language code"):
        install(str(odd), models)
    assert [p.name for p in models.iterdir()] == []
    good = install(str(installed_folder_voice(models)), models)  # a real voice installs; damaged later,
    (good.path / "en_US-clinic-medium.onnx").write_bytes(b"\0" * 4096)  # verify says so
    problems = verify(models)
    assert len(problems) == 1 and "is not a voice onnxruntime can load" in problems[0]


def test_the_cache_key_names_engine_voice_and_version() -> None:
    voice = joe()
    renderer = Renderer({"en": voice})
    try:
        piper_key = renderer.key("Hello.", voice, "normal")
        assert piper_key != renderer.key("Hello.", Voice.espeak("en-us", "en"), "normal")
        assert piper_key != renderer.key("Hello.", voice, "slow")
        newer = Voice(voice.engine, voice.name, voice.language, voice.model, "9.9.9", voice.source)
        assert piper_key != renderer.key("Hello.", newer, "normal")
        assert "piper-tts 1." in PiperSynthesizer(voice).version and voice.version in PiperSynthesizer(voice).version
    finally:
        renderer.close()


# Falling back: the renderer's rules, with engines that fail on purpose ---------------------------


class Failing(PiperSynthesizer):
    """A synthesiser that fails its first `failures` renders, then writes a file (no process at all)."""

    def __init__(self, voice: Voice, failures: int) -> None:
        super().__init__(voice)
        self.failures = failures
        self.calls = 0

    def render(self, text: str, voice: str, rate: int, path: Path) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise SynthesisError("text-to-speech process crashed; restarted")
        path.write_text(voice)


def test_a_failing_voice_is_retried_once_then_rests_while_its_fallback_speaks(tmp_path: Path) -> None:
    floor = Voice.espeak("en-us", "en")
    piper = Voice("piper", "x", "en", tmp_path / "x.onnx", "1", "test", floor)
    renderer = Renderer({"en": piper}, Failing(piper, 0))
    out = tmp_path / "out"
    renderer._piper[piper.spec] = once = Failing(piper, 1)  # one crash: retried at once, and it works
    renderer.render("Hello.", piper, "normal", out)
    assert once.calls == 2 and renderer.active("en") == piper

    renderer._piper[piper.spec] = broken = Failing(piper, 99)  # keeps failing: two tries, then it rests
    with pytest.raises(SynthesisError):
        renderer.render("Hello.", piper, "normal", out)
    assert broken.calls == 2 and renderer.active("en") == floor and list(renderer.chain("en")) == [floor]
    renderer._resting_until[piper.spec] = 0.0  # the rest is over: tried again first
    assert list(renderer.chain("en")) == [piper, floor]
