"""Issue 41's findings, each an edit that `content check` used to call OK: now refused at file:line:column,
and refused the same way by every path content takes (check, install, the live kiosk, the rollout)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.problems import InvalidFiles
from kiosk.station.content_install import install
from kiosk.station.content_store import ContentStore
from tests.support.paths import CONTENT

EN_TIP = "Alcohol can hurt your liver. Stop drinking alcohol now."
ZH_TIP = "酒会伤肝。"
BLOCK = "    text: |\n      You have\n      liver cancer.\n      Stop drinking alcohol now."

# name: ([(language, file, old, new)], what the refusal says)
FINDINGS: dict[str, tuple[list[tuple[str, str, str, str]], str]] = {
    "2 zero-width space": (
        [("en", "advice.yaml", EN_TIP, "S\u200btop taking all your prescribed medicines.")],
        "an invisible format character (U+200B ZERO WIDTH SPACE)",
    ),
    "2 Cyrillic o": ([("en", "advice.yaml", EN_TIP, "Y\u043eu have liver cancer.")], "mixes scripts"),
    "2 no-break space": ([("en", "advice.yaml", EN_TIP, "You\u00a0have liver cancer.")], "a diagnosis"),
    "2 tab": (
        [("en", "advice.yaml", f"text: {EN_TIP}", 'text: "You\\thave liver cancer."\n    old:')],
        "a control character",
    ),
    "2 soft hyphen": ([("en", "advice.yaml", EN_TIP, "Stop tak\u00ading all your pills.")], "invisible format"),
    "2 full-width": ([("en", "advice.yaml", EN_TIP, "Ｙｏｕ ｈａｖｅ ｌｉｖｅｒ ｃａｎｃｅｒ.")], "a diagnosis"),
    "3 line break": ([("en", "advice.yaml", f"    text: {EN_TIP}", BLOCK)], "a diagnosis: 'you have liver cancer'"),
    "4 disclaimer say alone": (
        [
            (
                "en",
                "screens.yaml",
                "disclaimer: This kiosk gives general advice. It does not diagnose.",
                'disclaimer: {show: "This kiosk tells you what is wrong with your liver.", say: "It does not diagnose."}',
            )
        ],
        "the disclaimer's show must say that the kiosk does not diagnose",
    ),
    "5 front desk": (
        [
            ("en", "screens.yaml", "title: Please tell the front desk now", "title: You are fine"),
            (
                "en",
                "screens.yaml",
                "Some signs need care right away. Please go to the front desk now",
                "Go home. No need to tell anyone",
            ),
        ],
        "the front-desk screen's show must tell the patient to tell the front desk or staff now",
    ),
    "6 swapped labels": (
        [
            ("en", "screens.yaml", 'yes: "Yes"\n  no: "No"', 'yes: "No"\n  no: "Yes"'),
            ("en", "intents.yaml", '  yes: ["yes"', '  no: ["yes"'),
            ("en", "intents.yaml", '  no: ["no"', '  yes: ["no"'),
        ],
        "the warning-signs question's 'yes' button 'No' does not say yes",
    ),
    "7 language name": (
        [("en", "language.yaml", "name: English", "name: 您得了肝癌，停掉所有的药")],
        "a diagnosis: '您得了肝癌'",
    ),
    "8 code EN": (
        [
            ("en", "language.yaml", "code: en", "code: EN\nsafety: {forbidden: [xyzzy]}"),
            ("en", "advice.yaml", EN_TIP, "You have liver cancer. Stop taking all your prescribed medicines."),
        ],
        "a diagnosis: 'you have liver cancer'",
    ),
    "8 code eng": (
        [("en", "language.yaml", "code: en", "code: eng"), ("en", "advice.yaml", EN_TIP, "You have liver cancer.")],
        "a diagnosis: 'you have liver cancer'",
    ),
    "8 code unknown": (
        [("en", "language.yaml", "code: en", "code: xq-Latn")],
        "is not a language code the kiosk knows",
    ),
    "9 English in zh": (
        [("zh", "advice.yaml", ZH_TIP, "You have liver cancer.")],
        "a diagnosis: 'you have liver cancer'",
    ),
    "9 Chinese in en": (
        [("en", "advice.yaml", EN_TIP, "您得了肝癌。停掉所有的药。")],
        "telling patients to stop their medicines",
    ),
    "10 no doubt": ([("en", "advice.yaml", EN_TIP, "No doubt you have liver cancer.")], "a diagnosis"),
    "10 when earlier": ([("en", "advice.yaml", EN_TIP, "When you read this, you have liver cancer.")], "a diagnosis"),
    "10 question tag": (
        [("en", "advice.yaml", EN_TIP, "You have liver cancer; you understand that, right?")],
        "a diagnosis",
    ),
    "10 long between": (
        [("en", "advice.yaml", EN_TIP, "You have a very serious and advanced form of liver cancer.")],
        "a diagnosis",
    ),
    "10 decimal": ([("en", "advice.yaml", EN_TIP, "Stop taking the 2.5 mg pills today.")], "stop their medicines"),
    "11 stopping": (
        [("en", "advice.yaml", EN_TIP, "Stopping all your prescribed medicines will help your liver.")],
        "stop their medicines",
    ),
    "11 do not take": (
        [("en", "advice.yaml", EN_TIP, "Do not take any of your prescribed medicines from today.")],
        "stop their medicines",
    ),
    "11 definitely": ([("en", "advice.yaml", EN_TIP, "You definitely have hepatitis.")], "a diagnosis"),
    "11 this means": ([("en", "advice.yaml", EN_TIP, "This means cirrhosis.")], "a diagnosis"),
    "11 no doctor": (
        [("en", "advice.yaml", EN_TIP, "There is no need to see a doctor about this.")],
        "not to see a doctor or staff",
    ),
    "11 zh already": ([("zh", "advice.yaml", ZH_TIP, "您已经得了肝癌。")], "a diagnosis"),
    "11 zh surely": ([("zh", "advice.yaml", ZH_TIP, "您肯定有肝炎。")], "a diagnosis"),
    "11 zh no medicine": ([("zh", "advice.yaml", ZH_TIP, "别吃药了。")], "stop their medicines"),
    "11 zh medicine not needed": ([("zh", "advice.yaml", ZH_TIP, "药不用吃了。")], "stop their medicines"),
    "11 zh throw away": ([("zh", "advice.yaml", ZH_TIP, "把药都扔掉。")], "stop their medicines"),
    "12 plain Chinese": (
        [("zh", "advice.yaml", ZH_TIP, "酒会伤肝所以请您从今天开始就不要再喝任何啤酒白酒红酒和其他含酒精的饮料了。")],
        "sentence of",
    ),
}


def _edited(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    for code, file, old, new in FINDINGS[name][0]:
        path = folder / code / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", FINDINGS)
def test_content_check_refuses_each_finding_at_its_place(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _edited(tmp_path, name)
    assert main(["content", "check", str(folder)]) == 1
    out = capsys.readouterr().out
    code = FINDINGS[name][0][-1][0]
    place = re.compile(rf"^{re.escape(str(folder))}/{code}/\w+\.yaml:\d+:\d+: ")
    assert any(place.match(line) and FINDINGS[name][1] in line for line in out.splitlines()), out


@pytest.mark.parametrize("name", ["2 zero-width space", "6 swapped labels", "9 English in zh", "12 plain Chinese"])
def test_every_path_gives_the_same_verdict(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`content check` (and so the rollout's check on the controller), `content install` (the rollout's step
    on each kiosk) and the live kiosk's poll refuse the same pack with the same problems."""
    folder = _edited(tmp_path, name)
    assert main(["content", "check", str(folder)]) == 1
    checked = sorted(line for line in capsys.readouterr().out.splitlines() if ": " in line)
    with pytest.raises(InvalidFiles) as installed:
        install(folder, tmp_path / "installed")
    assert not (tmp_path / "installed").exists()  # nothing changed
    live_folder = tmp_path / "live"
    shutil.copytree(CONTENT, live_folder)
    store = ContentStore(live_folder, tmp_path / "state")
    assert not store.load().problems
    shutil.rmtree(live_folder)
    shutil.copytree(folder, live_folder)
    polled = store.check()
    assert polled is not None
    relative = [str(p).replace(str(live_folder), str(folder)) for p in polled.problems]
    assert sorted(str(p) for p in installed.value.problems) == checked == sorted(relative)
    assert store.live is not None and "en" in store.live  # the kiosk keeps serving the last good content
