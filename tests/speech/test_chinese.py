"""The Chinese pack end to end in the UI: choosing it, answering in it, and never on a console that cannot draw it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.flow import Kind
from kiosk.core.intents import IntentMatcher
from kiosk.ui.languages import offer
from tests.support.kiosk_driver import PACKS, keys, make_app, screen_text, tap
from tests.support.paths import CONTENT

TIPS_FOR_YES = ["喝酒", "睡觉和休息", "脂肪肝", "您吃的药", "乙肝或丙肝", "吃饭", "复查肝功能", "看医生"]


def test_phrases_are_found_inside_what_people_say() -> None:
    zh = PACKS["zh"]
    matcher = IntentMatcher(zh.intents, zh.filler)
    valid = ["yes", "no", "unsure", "repeat"]
    heard = {
        "我不知道": "unsure",  # contains 不知道, which is longer than 不 (no)
        "嗯": "yes",
        "没有": "no",  # not 有 (yes)
        "不对": "no",  # not 对 (yes)
        "我觉得没有": "no",  # 我觉得 is filler
        "对，有的": "yes",
        "再说一遍吧": "repeat",
        "不 知道": "unsure",  # a recogniser's spaces between words change nothing
    }
    for said, intent in heard.items():
        assert matcher.match(said, valid).intent == intent, said
    assert matcher.match("有没有", valid).intent is None  # names two answers: neither


def test_the_console_does_not_offer_what_it_cannot_draw() -> None:
    assert list(offer(PACKS, ("zh", "en"), console=False)[0]) == ["zh", "en"]
    assert offer(PACKS, ("zh", "en"), console=True) == ({"en": PACKS["en"]}, ["zh"])
    assert offer(PACKS, ("zh",), console=True) == ({"en": PACKS["en"]}, ["zh"])  # English stands in
    assert offer(PACKS, (), console=True)[1] == ["zh"]
    assert PACKS["zh"].wide_script and not PACKS["en"].wide_script


async def test_on_the_linux_console_chinese_is_left_out_and_staff_are_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "linux")
    app = make_app(languages=("zh", "en"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert list(app.packs) == ["en"] and app.language == "en"
        assert "中文" not in screen_text(app)
        assert "zh not offered (the console cannot draw it)" in app.status_line()  # staff screen, systemd status


@pytest.mark.parametrize("by", ["tap", "keys"])
async def test_choose_chinese_answer_through_to_the_tips_and_start_over_returns_to_the_choice(by: str) -> None:
    app = make_app(languages=("en", "zh"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Liver test helper" in screen_text(app) and "2 中文" in screen_text(app)
        await (tap(pilot, "中文") if by == "tap" else keys(pilot, "2"))
        assert app.language == "zh" and "肝功能小助手" in screen_text(app) and "2 English" in screen_text(app)
        await (tap(pilot, "开始") if by == "tap" else keys(pilot, "1"))
        assert "您现在有下面这些情况吗？" in screen_text(app) and "第 1 题，共 6 题" in screen_text(app)
        for answer in ["没有"] + ["有"] * 5:
            await (tap(pilot, answer) if by == "tap" else keys(pilot, "2" if answer == "没有" else "1"))
        titles = []
        while app.prompt.kind is Kind.READBACK:
            if app.prompt.progress is not None:
                titles.append(app.prompt.title.show)
                assert app.prompt.title.show in screen_text(app)
                assert "不能代替医生看病" in screen_text(app)  # the "does not diagnose" line on every tip
            await (tap(pilot, "下一个") if by == "tap" else keys(pilot, "enter"))
        assert titles == TIPS_FOR_YES and "谢谢您" in screen_text(app)
        await (tap(pilot, "重新开始") if by == "tap" else keys(pilot, "8"))
        assert app.prompt.kind is Kind.WELCOME and app.language == "en"  # the choice lasts one patient
        assert "2 中文" in screen_text(app) and app.session.answers == {}


def test_content_check_measures_chinese_and_points_at_what_is_not_plain(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    alt_kiosk = str(Path(sys.executable).parent / "alt-kiosk")
    ok = subprocess.run([alt_kiosk, "content", "check"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and "zh v" in ok.stdout and "longest sentence 19 characters" in ok.stdout, ok
    shutil.copytree(CONTENT, tmp_path / "content")
    advice = tmp_path / "content" / "zh" / "advice.yaml"
    long = "请每天早上和晚上都按时吃饭，吃完饭以后出去走一走再回家睡觉。"  # 28 characters, one sentence
    advice.write_text(advice.read_text().replace("吃得清淡一点。", long).replace("多吃新鲜水果", "多吃新鲜枇杷"))
    bad = subprocess.run(
        [alt_kiosk, "content", "check", str(tmp_path / "content")], capture_output=True, text=True, check=False
    )
    lines = bad.stdout.splitlines()
    assert bad.returncode == 1, bad
    text = advice.read_text().splitlines()
    for needle, message in ((long.rstrip("。"), "sentence of 28 characters"), ("枇", "uncommon character 枇")):
        hit = next(line for line in lines if message in line)
        file, line, column, _ = hit.split(":", 3)
        assert file.endswith("content/zh/advice.yaml")
        assert text[int(line) - 1][int(column) - 1 :].startswith(needle), hit  # file:line:column points at it


def test_every_chinese_prompt_is_rendered_to_speech_of_plausible_length(tmp_path: Path) -> None:
    import subprocess
    import sys

    import numpy as np

    from kiosk.core.flow import every_spoken_text
    from kiosk.speech.audio import read_wav

    alt_kiosk = str(Path(sys.executable).parent / "alt-kiosk")
    prompts = every_spoken_text(PACKS["zh"])
    for k, prompt in enumerate(prompts):
        out = tmp_path / f"{k}.wav"
        said = subprocess.run(
            [alt_kiosk, "say", "--lang", "zh", "--to", str(out), "--cache-dir", str(tmp_path / "cache"), prompt],
            capture_output=True,
            text=True,
            check=False,
        )
        assert said.returncode == 0, said.stderr
        samples, rate = read_wav(out)
        characters = sum(1 for c in prompt if "\u4e00" <= c <= "\u9fff")
        assert np.abs(samples).max() > 1000, prompt  # not silent
        assert 0.1 * characters <= len(samples) / rate <= 0.6 * characters + 2, (prompt, len(samples) / rate)


def test_on_espeak_ng_1_51_mandarin_goes_as_pinyin_and_every_syllable_is_mandarin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """1.51's cmn voice reads tones as English numbers (espeak-ng #1028); its pinyin voice reads them right."""
    import importlib.util
    import subprocess

    from kiosk.core.flow import every_spoken_text
    from kiosk.core.say_as import spoken_form
    from kiosk.speaking import synth

    monkeypatch.setattr(synth, "_version", [(1, 51)])
    assert synth.espeak_input("肝功能", "cmn") == ("gan1 gong1 neng2", "cmn-latn-pinyin")
    assert synth.espeak_input("Hello.", "en-us") == ("Hello.", "en-us")
    assert synth.espeak_input("我不知道。", "cmn")[0] == "wo3 bu4 zhi1 dao4 ."
    for prompt in every_spoken_text(PACKS["zh"]):
        said, voice = synth.espeak_input(spoken_form(prompt, "zh"), "cmn")  # as kiosk.speaking.render gives it
        phonemes = subprocess.run(["espeak-ng", "-v", voice, "-x", "-q", said], capture_output=True, text=True).stdout
        assert "(en)" not in phonemes, (prompt, phonemes)  # never read as English
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)  # no pypinyin: silence, and why
    assert "reads cmn tones as English numbers" in (synth.voice_problem("cmn") or "")
    monkeypatch.setattr(synth, "_version", [(1, 52)])
    assert synth.voice_problem("cmn") is None and synth.espeak_input("肝", "cmn") == ("肝", "cmn")


async def test_a_language_without_a_voice_here_says_so_in_that_language() -> None:
    from tests.support.fakes import RecordingSpeaker

    class EnglishOnly(RecordingSpeaker):
        def speaks(self, language: str) -> bool:
            return language == "en"

    from kiosk.station.settings import Settings
    from kiosk.ui.app import KioskApp

    app = KioskApp(Settings(CONTENT, tap_guard_seconds=0.0, languages=("en", "zh")), PACKS, EnglishOnly())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Sound is off." not in screen_text(app)
        await keys(pilot, "2")  # 中文
        assert "没有声音。" in screen_text(app)


async def test_saying_the_language_chooses_it_on_the_welcome_screen() -> None:
    from kiosk.hearing import Heard
    from tests.support.fakes import ScriptedListener

    app = make_app(voiced=True, languages=("en", "zh"))
    listener = app.listener
    assert isinstance(listener, ScriptedListener)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "chinese" in listener.grammars[-1]["language_zh"]  # listened for on the welcome screen
        listener.on_heard(Heard("mandarin", "language_zh", 0.45, sure=False))  # probably: ask, on its button
        await pilot.pause()
        assert app.language == "en" and 'Did you mean "中文"?' in screen_text(app)
        listener.on_heard(Heard("chinese", "language_zh", 0.9))
        await pilot.pause()
        assert app.language == "zh" and "肝功能小助手" in screen_text(app)
        assert "英文" in listener.grammars[-1]["language_en"]  # and back, in Chinese, with a Chinese model
        await keys(pilot, "1")
        assert "language_en" not in listener.grammars[-1]  # only on the welcome screen


def test_pocketsphinx_hears_chinese_as_the_choice_of_language(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    import numpy as np

    from kiosk.speech.audio import write_wav
    from tests.support.speech import Voice, in_room, say

    alt_kiosk = str(Path(sys.executable).parent / "alt-kiosk")
    files = []
    for voice in ("kal", "slt"):
        files.append(
            str(
                write_wav(
                    tmp_path / f"{voice}.wav", in_room(say("chinese", Voice("festival", voice)), np.zeros(1), 100, 1.0)
                )
            )
        )
    welcome = "next,repeat,help,stop,language_zh"
    out = subprocess.run(
        [alt_kiosk, "recognize", "--expect", welcome, *files], capture_output=True, text=True, check=True
    )
    assert [json.loads(line)["intent"] for line in out.stdout.splitlines()] == ["language_zh", "language_zh"]


CLOSING = "。，、！？：；）》」”"


@pytest.mark.parametrize("width", [10, 21, 40, 44])
def test_chinese_wraps_by_cells_between_characters_and_never_before_a_closing_mark(width: int) -> None:
    from rich.cells import cell_len

    from kiosk.core.flow import every_spoken_text
    from kiosk.ui.widgets.text_layout import wrap_cells

    for text in every_spoken_text(PACKS["zh"]):
        for line in text.splitlines():
            wrapped = wrap_cells(line, width)
            assert "".join(wrapped).replace(" ", "") == line.replace(" ", ""), line  # nothing lost
            assert all(cell_len(w) <= width for w in wrapped), (width, wrapped)  # nothing for the terminal to re-wrap
            assert not any(w[0] in CLOSING for w in wrapped[1:]), wrapped
    english = "Your blood test showed a high ALT. ALT is a liver test. I will ask a few short questions."
    import textwrap

    assert wrap_cells(english, width) == textwrap.wrap(english, width)  # English wraps as it always did


def test_short_phrases_stay_together() -> None:
    """A quoted button word and a number with its measure word never break (the sound panel's "共 5 / 级")."""
    from kiosk.ui.widgets.text_layout import wrap_cells

    line = "音量 4，共 5 级。点“大声”或“小声”。声音太快，请点“慢一点”。"
    for width in range(12, 60):
        wrapped = wrap_cells(line, width)
        assert not any(w.endswith(("共 5", "“慢一", "“慢", "“大")) for w in wrapped), (width, wrapped)
        assert not any(w.startswith(("级", "点”", "一点”", "声”")) for w in wrapped), (width, wrapped)


@pytest.mark.parametrize("size", [(44, 13), (60, 20), (100, 30)])
async def test_every_chinese_tip_can_be_read_to_its_last_character(size: tuple[int, int]) -> None:
    """The 800x480 touch panel (44x13 cells) pages long tips; paging must show every character, none cut."""
    from kiosk.ui.widgets import MessageView

    app = make_app(languages=("zh", "en"), language="zh")  # Chinese first

    async def press(key: str) -> None:
        while app.journey.answer_actions == ["more"]:  # a question paged on a small panel
            await keys(pilot, "1")
        await keys(pilot, key)

    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in ["1", "2", *["1"] * 5]:  # 开始, no warning signs, yes to every cause
            await press(key)
        seen = 0
        while app.prompt.kind is Kind.READBACK:
            message = app.screen.query_one("#message", MessageView)
            shown = ""
            while True:
                shown += screen_text(app).replace(" ", "").replace("\n", "")
                if not message.has_more:
                    break
                await keys(pilot, "enter")
            body = app.prompt.body.show.replace(" ", "").replace("\n", "")
            rest = iter(shown)
            assert all(character in rest for character in body), (size, body, shown)  # every one, in order
            seen += 1
            await keys(pilot, "enter")
        assert seen >= len(TIPS_FOR_YES)
