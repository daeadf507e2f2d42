"""Patient-safety rules are part of the content check: an edit that breaks one is refused like invalid content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core import safety
from kiosk.core.model import Text
from kiosk.station.content_store import ContentStore
from kiosk.station.settings import Settings
from kiosk.station.status import status
from tests.support.kiosk_driver import keys, screen_text
from tests.support.paths import CONTENT
from tests.support.service_app import kiosk

# (language, file, old, new, the message, found at the line holding `new` or its first line)
EDITS = {
    "en disclaimer": (
        "en",
        "screens.yaml",
        "disclaimer: This kiosk gives general advice. It does not diagnose.",
        "disclaimer: This kiosk gives general advice.",
        "safety: the disclaimer's show must say that the kiosk does not diagnose",
    ),
    "en no red flag": (
        "en",
        "questions.yaml",
        "    red_flag: true\n",
        "",
        "safety: the first question must be the warning-signs question (red_flag: true)",
    ),
    "en red-flag yes goes on": (
        "en",
        "questions.yaml",
        "      yes: {next: front_desk}",
        "      yes: {}",
        "safety: on warning-signs question warning_signs, 'yes' must go to front_desk",
    ),
    "en red-flag unsure goes on": (
        "en",
        "questions.yaml",
        "      unsure: {next: front_desk}",
        "      unsure: {next: alcohol}",
        "safety: on warning-signs question warning_signs, 'unsure' must go to front_desk",
    ),
    "en red flag second": (
        "en",
        "questions.yaml",
        "  - id: alcohol\n",
        "  - id: alcohol\n    red_flag: true\n",
        "on warning-signs question alcohol, 'yes' must go to front_desk",
    ),
    "en diagnosis": (
        "en",
        "advice.yaml",
        "Stop drinking alcohol now.",
        "You have liver cancer.",
        "safety: a diagnosis: 'you have liver cancer'",
    ),
    "en stop medicines": (
        "en",
        "advice.yaml",
        "Do not stop any medicine on your own.",
        "Stop taking all your prescribed medicines today.",
        "safety: telling patients to stop their medicines: 'stop taking all your prescribed'",
    ),
    "zh disclaimer": (
        "zh",
        "screens.yaml",
        "disclaimer: 这里是一般的建议，不能代替医生看病。",
        "disclaimer: 这里是一般的建议。",
        "safety: the disclaimer's show must say that the kiosk does not diagnose",
    ),
    "zh diagnosis": ("zh", "advice.yaml", "不要自己停药。", "您得了肝癌。", "safety: a diagnosis: '您得了肝癌'"),
    "zh stop medicines": (
        "zh",
        "advice.yaml",
        "不要自己停药。",
        "今天就停掉所有的药。",
        "safety: telling patients to stop their medicines: '停掉所有的药'",
    ),
    "zh red-flag unsure goes on": (
        "zh",
        "questions.yaml",
        "      unsure: {next: front_desk}",
        "      unsure: {}",
        "safety: on warning-signs question warning_signs, 'unsure' must go to front_desk",
    ),
}


def edit(folder: Path, name: str) -> None:
    code, file, old, new, _ = EDITS[name]
    path = folder / code / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_that_breaks_a_safety_rule_is_refused_by_content_check(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    edit(folder, name)
    assert main(["content", "check", str(folder)]) == 1
    out = capsys.readouterr().out
    code, file, _, _, message = EDITS[name]
    assert any(line.startswith(f"{folder}/{code}/{file}:") and line.endswith(message) for line in out.splitlines()), out


def test_safe_wording_is_not_taken_for_a_claim() -> None:
    for fine in (
        "Do not stop any medicine on your own.",
        "Never stop your pills without asking your doctor.",
        "Has a doctor said you have a fatty liver?",
        "If a doctor said you have hepatitis, bring your notes.",
        "Stop drinking alcohol now. Bring all your medicines to your doctor.",
    ):
        assert safety.claims(Text.same(fine)) == [], fine
    for fine in ("不要自己停药。", "医生说过您有脂肪肝吗？", "别自己停掉任何药。"):
        assert safety.claims(Text.same(fine)) == [], fine
    assert len(safety.claims(Text("Your liver is fine.", "You have been diagnosed with hepatitis."))) == 2


async def test_a_hot_edit_that_breaks_a_rule_never_goes_live(tmp_path: Path) -> None:
    app, content, _ = kiosk(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        edit(content, "en red-flag yes goes on")
        await pilot.pause(4.5)  # two polls: seen, settled, checked
        assert app.updates.pending is None and app.updates.problems
        assert "'yes' must go to front_desk" in app.status_line()
        await keys(pilot, "1", "1")  # a patient says yes to the warning signs: still the front desk
        assert "front desk" in screen_text(app).lower()
    lines, ok = status(Settings(content, state_dir=tmp_path / "state"))
    assert not ok and any(line.startswith("content: REFUSED") and "front_desk" in line for line in lines), lines
    state = ContentStore(content, tmp_path / "state").load()  # and the next start serves the last good copy
    assert state.from_backup and state.packs["en"].questions[0].answers["yes"].next == "front_desk"
