"""`alt-kiosk content check`: good content passes, each kind of breakage is reported at file:line:column."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.loader import load_all, load_language
from kiosk.core.problems import InvalidFiles
from tests.support.paths import CONTENT, ENGLISH, ROOT


def check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["content", "check", str(path)])
    out = capsys.readouterr().out
    return code, [line.replace(str(path) + "/", "") for line in out.splitlines()]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_bundled_content_passes_with_a_one_line_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = check(CONTENT, capsys)
    assert code == 0
    assert len(lines) == 1
    assert lines[0].startswith("OK ") and "6 questions" in lines[0] and "9 tips" in lines[0]


def test_the_installed_command_checks_a_language_folder() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "kiosk", "content", "check", "content/en"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "kiosk", "content", "check", "no/such/dir"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 1
    assert missing.stdout.startswith("no/such/dir:1:1: no language folder")


BREAKAGES = [
    # (file, old, new, expected "line:column: message" fragment) — line/column are 1-based.
    ("questions.yaml", "      no: {}\n      # Safety", "      no: {\n      # Safety", "YAML syntax error"),
    ("questions.yaml", "  - id: alcohol\n", "  - id: alcohol\n    colour: red\n", "unknown key 'colour'"),
    ("advice.yaml", "    title: Alcohol\n", "", "missing key 'title'"),
    ("questions.yaml", "    red_flag: true", "    red_flag: [true]", "red_flag should be true or false"),
    ("advice.yaml", "    title: Sleep and rest", "    title: ''", "tip sleep: title is empty"),
    ("advice.yaml", "  - id: sleep", "  - id: alcohol", "tip id 'alcohol' is used twice"),
    ("questions.yaml", "  - id: sleep", "  - id: alcohol", "question id 'alcohol' is used twice"),
    ("questions.yaml", "yes: {advice: [sleep]}", "yes: {advice: [sleeep]}", "unlocks tip 'sleeep'"),
    ("questions.yaml", "yes: {advice: [sleep]}", "yes: {next: nowhere}", "goes to 'nowhere'"),
    ("questions.yaml", "      yes: {advice: [medicines]}", "      yes: {next: alcohol}", "jumps may only go forward"),
    ("advice.yaml", "  - id: diet\n    always: true", "  - id: diet", "tip diet is never read"),
    ("intents.yaml", '"previous"]', '"previous", "nope"]', "phrase 'nope' of intent"),
    (
        "screens.yaml",
        'progress: "Question {number} of {total}"',
        'progress: "Question {numbr}"',
        "unknown placeholder {numbr}",
    ),
    (
        "questions.yaml",
        "    text: Do you drink beer",
        "    text: !!python/object:os.system Do you drink beer",
        "tag 'tag:yaml.org,2002:python/object:os.system' is not allowed",
    ),
    (
        "questions.yaml",
        "      no: {}\n      unsure: {advice: [sleep]}",
        "      no: {}\n      maybe: {}",
        "answer 'maybe' is not an intent",
    ),
    ("screens.yaml", "  restart: Start over\n", "", "missing a label for 'restart'"),
    ("intents.yaml", '  stop: ["stop", "quiet", "be quiet"]\n', "", "missing intent 'stop'"),
    ("language.yaml", "min_confidence: 0.65", "min_confidence: 7", "min_confidence should be a number from 0 to 1"),
    (
        "language.yaml",
        "confirm_confidence: 0.5",
        "confirm_confidence: 0.8",
        "confirm_confidence must not be above min_confidence",
    ),
    ("language.yaml", "confirm_confidence: 0.5", "confirm_confidence: -1", "confirm_confidence should be a number"),
    ("screens.yaml", "did_you_mean:\n", "did_you_mean_x:\n", "did_you_mean is missing"),
    ("screens.yaml", 'Tap it, or say it again."\n', 'Tap {it}."\n', "{it}"),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), BREAKAGES)
def test_each_breakage_is_reported_where_it_is(
    content_copy: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    file: str,
    old: str,
    new: str,
    message: str,
) -> None:
    folder = content_copy(file, old, new)
    code, lines = check(folder, capsys)
    assert code == 1
    hits = [line for line in lines if message in line]
    assert hits, lines
    location, _, _ = hits[0].partition(": ")
    name, line, column = location.split(":")
    assert name == file
    # The reported line holds (or, for a missing key, opens the mapping around) the broken text.
    first_new_line = new.splitlines()[0] if new else None
    if first_new_line and "missing" not in message and "never read" not in message:
        text_lines = (folder / file).read_text(encoding="utf-8").splitlines()
        assert int(line) >= 1 and int(column) >= 1
        assert (
            any(part.strip() and part.strip() in text_lines[int(line) - 1] for part in new.splitlines())
            or "syntax" in message
        ), (hits[0], text_lines[int(line) - 1])


def test_exact_location_of_an_unknown_key(
    content_copy: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = content_copy("questions.yaml", "  - id: alcohol\n", "  - id: alcohol\n    colour: red\n")
    _, lines = check(folder, capsys)
    row = line_of(folder / "questions.yaml", "colour: red")
    assert f"questions.yaml:{row}:5: a question: unknown key 'colour' (allowed: id, text, answers, red_flag)" in lines


def test_unreachable_question(content_copy: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    folder = content_copy(
        "questions.yaml",
        "      yes: {advice: [alcohol]}\n      no: {}\n      unsure: {advice: [alcohol]}",
        "      yes: {next: fatty_liver}\n      no: {next: fatty_liver}\n      unsure: {next: fatty_liver}",
    )
    _, lines = check(folder, capsys)
    row = line_of(folder / "questions.yaml", "- id: sleep")
    assert f"questions.yaml:{row}:9: question sleep can never be reached: every path jumps past it" in lines
    assert any("tip alcohol is never read" in line for line in lines)


def test_not_utf8(content_copy: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    folder = content_copy()
    text = (folder / "advice.yaml").read_bytes()
    folder = content_copy("advice.yaml", raw=text.replace(b"Food", b"F\xe9od"))
    _, lines = check(folder, capsys)
    row = line_of(ENGLISH / "advice.yaml", "title: Food")
    assert f"advice.yaml:{row}:13: file is not UTF-8 text (save it as UTF-8)" in lines


def test_oversized_file(content_copy: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    folder = content_copy()
    big = (folder / "advice.yaml").read_bytes() + b"#" * (1024 * 1024)
    content_copy("advice.yaml", raw=big)
    _, lines = check(folder, capsys)
    assert any(line.startswith("advice.yaml:1:1: file is") and "the limit is 1048576" in line for line in lines)


def test_alias_bomb_is_refused_quickly(content_copy: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 10):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    folder = content_copy("language.yaml", raw=bomb.encode())
    _, lines = check(folder, capsys)
    assert any("language.yaml:1:1: file expands to more than" in line for line in lines)


def test_missing_file_and_empty_file(content_copy: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    folder = content_copy()
    (folder / "advice.yaml").unlink()
    (folder / "intents.yaml").write_text("# nothing\n")
    _, lines = check(folder, capsys)
    assert "advice.yaml:1:1: file is missing" in lines
    assert "intents.yaml:1:1: file is empty" in lines


def test_duplicate_key_in_one_mapping(content_copy: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    folder = content_copy("language.yaml", "name: English", "name: English\nname: Anglais")
    _, lines = check(folder, capsys)
    row = line_of(folder / "language.yaml", "name: Anglais")
    assert f"language.yaml:{row}:1: language.yaml: key 'name' appears twice" in lines


def test_every_problem_is_reported_not_just_the_first(content_copy: Callable[..., Path]) -> None:
    content_copy("advice.yaml", "    title: Food", "    title: ''")
    folder = content_copy("questions.yaml", "  - id: alcohol\n", "  - id: alcohol\n    colour: red\n")
    with pytest.raises(InvalidFiles) as err:
        load_language(folder, "en")
    messages = [p.message for p in err.value.problems]
    assert any("colour" in m for m in messages) and any("tip diet: title is empty" in m for m in messages)


def test_two_languages_load_side_by_side(tmp_path: Path, content_copy: Callable[..., Path]) -> None:
    import shutil

    english = content_copy()
    shutil.copytree(english, tmp_path / "es")
    text = (tmp_path / "es" / "language.yaml").read_text().replace("code: en", "code: es").replace("English", "Español")
    (tmp_path / "es" / "language.yaml").write_text(text)
    with pytest.raises(InvalidFiles) as refused:  # a language with no built-in safety rules must bring its own
        load_all(tmp_path)
    assert "es/language.yaml:2:1: safety: there are no built-in safety rules for language 'es'" in str(refused.value)
    (tmp_path / "es" / "language.yaml").write_text(
        text + "safety:\n  disclaimer_says: [does not diagnose]\n  forbidden: [tienes cáncer]\n"
    )
    packs = load_all(tmp_path)
    assert sorted(packs) == ["en", "es"] and packs["es"].name == "Español"


def test_the_worked_example_in_content_readme_works(
    content_copy: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    guide = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    blocks = [
        textwrap.indent(textwrap.dedent(b.split("```", 1)[0]).rstrip(), "  ") + "\n"
        for b in guide.split("```yaml\n")[1:]
    ]
    tip = next(b for b in blocks if "id: coffee" in b and "title: Coffee" in b)
    question = next(b for b in blocks if "id: coffee" in b and "answers:" in b)
    folder = content_copy("advice.yaml", "  - id: diet\n", tip + "\n  - id: diet\n")
    folder = content_copy("questions.yaml", "  - id: hepatitis\n", question + "\n  - id: hepatitis\n")
    code, lines = check(folder, capsys)
    assert code == 0, lines
    assert main(["preview", "--content", str(folder.parent), "--answers", "no,no,no,no,no,no,no"]) == 0
    out = capsys.readouterr().out
    assert "show: Coffee\n" in out and "(Question 7 of 7)" in out


@pytest.mark.parametrize(
    ("levels", "message"),
    [(64, None), (65, "nested more than 64 levels deep"), (3000, "YAML syntax error: exceeded maximum nesting depth")],
)
def test_nesting_is_limited_before_anything_is_composed(
    content_copy: Callable[..., Path], capsys: pytest.CaptureFixture[str], levels: int, message: str | None
) -> None:
    folder = content_copy(
        "advice.yaml", "advice:\n", "deep: " + "[" * (levels - 1) + "]" * (levels - 1) + "\nadvice:\n"
    )
    code, lines = check(folder, capsys)
    if message is None:  # the root mapping and 63 lists: allowed, then refused only as an unknown key
        assert not any("nest" in line for line in lines), lines
    else:
        assert code == 1 and any(line.startswith("advice.yaml:") and line.endswith(message) for line in lines), lines


def test_too_many_values_are_refused_before_they_are_composed(
    content_copy: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    many = "".join(f"  - id: a{i}\n    title: t\n    text: x\n" for i in range(20_000))
    folder = content_copy("advice.yaml", "advice:\n", "advice:\n" + many)
    code, lines = check(folder, capsys)
    assert code == 1 and any(line.endswith("file holds more than 20000 values") for line in lines), lines
