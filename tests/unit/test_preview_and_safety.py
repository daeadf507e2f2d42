"""`alt-kiosk preview` and the safety rules the bundled English content must keep."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from kiosk.cli import main
from kiosk.core.flow import Conversation, Kind
from kiosk.core.model import Content
from kiosk.core.preview import PreviewError, walk
from kiosk.core.readability import grade
from tests.support.paths import ROOT

CAUSE_TITLES = ["Alcohol", "Sleep and rest", "Fat in the liver", "Your medicines", "Hepatitis B or C"]
GENERAL_TITLES = ["Food", "Test again", "See your doctor"]


def preview(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["preview", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_answer_all_yes_reads_all_five_causes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = preview(capsys, "--answer-all", "yes")
    assert code == 0
    for title in CAUSE_TITLES + GENERAL_TITLES:
        assert f"show: {title}\n" in out
    assert out.rstrip().splitlines()[-1].startswith("say:  Thank you.")


def test_answer_all_no_reads_no_cause_advice(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = preview(capsys, "--answer-all", "no")
    assert code == 0
    for title in CAUSE_TITLES:
        assert f"show: {title}\n" not in out
    for title in GENERAL_TITLES:
        assert f"show: {title}\n" in out


def test_red_flag_yes_sends_to_the_front_desk_only() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "preview", "--answers", "yes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    screens = re.findall(r"^--- screen \d+: (\w+)", out, re.M)
    assert screens == ["welcome", "question", "front_desk"]
    assert "Please tell the front desk now" in out


def test_mixed_answers_and_bad_answers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = preview(capsys, "--answers", "no,yes,no,unsure,no,unsure")
    assert code == 0
    assert "show: Alcohol\n" in out and "show: Fat in the liver\n" in out and "show: A test for hepatitis\n" in out
    assert "show: Sleep and rest\n" not in out
    code, out = preview(capsys, "--answers", "no,yes")
    assert code == 2 and "no answer given for question 'sleep'" in out
    code, out = preview(capsys, "--answers", "no,perhaps")
    assert code == 2 and "has no answer 'perhaps'" in out


def test_walk_raises_on_leftover_answers(conversation: Conversation) -> None:
    with pytest.raises(PreviewError, match="left over"):
        walk(conversation, ["yes", "no"])


# Safety and plain language -------------------------------------------------------------


def patient_texts(content: Content) -> list[str]:
    texts = [q.text.show for q in content.questions] + [a.text.show for a in content.advice]
    texts += [s.body.show for s in content.screens.values()]
    return texts


def test_reading_level_is_about_sixth_grade(english: Content) -> None:
    grades = [grade(t) for t in patient_texts(english)]
    assert max(grades) <= 7.0, max(grades)
    assert sum(grades) / len(grades) <= 6.0


def test_grade_goes_up_for_hard_text() -> None:
    easy = "Eat fruit. Sleep well. See your doctor."
    hard = "Pharmacological interventions necessitate comprehensive hepatological evaluation and monitoring."
    assert grade(easy) < 4 < 12 < grade(hard)


def test_no_named_drugs_and_medicine_only_as_directed(english: Content) -> None:
    named = [
        "silybin",
        "glutathione",
        "tiopronin",
        "glycyrrhiz",
        "entecavir",
        "tenofovir",
        "lamivudine",
        "phosphatidylcholine",
        "transplant",
    ]
    text = " ".join(patient_texts(english)).lower()
    for drug in named:
        assert drug not in text
    for advice in english.advice:
        body = advice.text.show.lower()
        if "medicine" in body and ("take" in body or "give" in body):
            assert "as your doctor directs" in body or "do not stop any medicine on your own" in body, advice.id
        if "stop" in body and "medicine" in body:
            assert "do not stop any medicine on your own" in body, advice.id


def test_never_claims_a_diagnosis(english: Content, conversation: Conversation) -> None:
    text = " ".join(a.text.show for a in english.advice).lower()
    text += " ".join(s.body.show for s in english.screens.values()).lower()
    for claim in ("you have fatty liver", "you have hepatitis", "your diagnosis", "you are diagnosed", "caused by"):
        assert claim not in text
    for answers in (["no"] * 6, ["no"] + ["yes"] * 5, ["no"] + ["unsure"] * 5):
        screens = walk(conversation, answers)
        readback = [p for p in screens if p.kind is Kind.READBACK]
        assert "does not diagnose" in readback[0].body.show
        assert "doctor will find the cause" in readback[0].body.show


def test_one_message_per_screen_is_short(english: Content) -> None:
    for advice in english.advice:
        sentences = [s for s in re.split(r"[.!?]", advice.text.show) if s.strip()]
        assert len(sentences) <= 6 and len(advice.text.show) <= 260, advice.id
