"""`alt-kiosk content …` and `preview`: check, preview, install, apply and roll back content."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from kiosk.cli.common import BUNDLED_CONTENT, configured, content_dir
from kiosk.core import plain_chinese, snapshot
from kiosk.core.flow import Conversation, Prompt
from kiosk.core.loader import load_all
from kiosk.core.model import Content
from kiosk.core.preview import PreviewError, walk
from kiosk.core.problems import InvalidFiles, Problem
from kiosk.core.readability import grade
from kiosk.station.content_check import Render, checked, remembered
from kiosk.station.settings import Settings


def cmd_content_check(args: argparse.Namespace) -> int:
    if args.dir and Path(args.dir).is_file():  # a zip, as `content install` takes
        from kiosk.station.content_install import extract_zip

        with tempfile.TemporaryDirectory() as staging:
            try:
                folder = extract_zip(Path(args.dir), Path(staging))
            except InvalidFiles as err:
                return _refused(err.problems, "; content refused")
            return _check(folder, args.dir, args)
    folder = content_dir(args.dir)
    return _check(folder, args.dir or str(folder), args)


def _check(folder: Path, shown: str, args: argparse.Namespace) -> int:
    snap = snapshot.read(folder, shown)  # read once: every check below uses these bytes
    try:
        packs, signature = checked(snap, Path(args.signers) if args.signers else None, _renderer(args))
    except InvalidFiles as err:
        return _refused(err.problems, "; content refused")
    if args.speech and (problems := _speech_problems(snap, packs)):
        return _refused(problems, " with the speech models")
    ranks = plain_chinese.ranks() if any(pack.wide_script for pack in packs.values()) else {}
    if args.versions:
        print(json.dumps({code: pack.version for code, pack in packs.items()}))
    else:
        signed = f" (signed by {signature.signer} at {signature.signed})" if signature else ""
        print(f"OK {shown}{signed}: " + "; ".join(_summary(code, pack, ranks) for code, pack in packs.items()))
    return 0


def _renderer(args: argparse.Namespace) -> Render | None:
    """The rendering check (kiosk.ui.render_check), unless --no-render asks to leave it out."""
    if getattr(args, "no_render", False):
        return None
    from kiosk.ui.render_check import render_problems

    return render_problems


def _refused(problems: list[Problem], tail: str) -> int:
    """Print every problem, then their count and `tail` on stderr; the exit status."""
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s){tail}", file=sys.stderr)
    return 1


def _summary(code: str, pack: Content, ranks: dict[str, int]) -> str:
    """A pack in one line: its size and its hardest screen to read."""
    texts = [q.text.show for q in pack.questions] + [a.text.show for a in pack.advice]
    reading = ""
    if pack.wide_script:
        reading = f", hardest screen: {plain_chinese.hardest(texts, ranks)}"
    elif code == "en":
        reading = f", hardest screen grade {max(grade(t) for t in texts):.1f}"
    return (
        f"{code} v{pack.version}: {len(pack.questions)} questions, {len(pack.advice)} tips, "
        f"{len(pack.intents)} intents{reading}"
    )


def _pack_files(snap: snapshot.Snapshot, code: str) -> tuple[dict[str, bytes], str]:
    """A language pack's files as read, and how to name its folder in messages."""
    folder = "" if "" in snap.packs else code
    return snap.packs[folder], snap.shown(folder)


def _speech_problems(snap: snapshot.Snapshot, packs: dict[str, Content]) -> list[Problem]:
    from kiosk.hearing.engines import make_recognizer
    from kiosk.hearing.recognizer import RecognizerUnavailable
    from kiosk.hearing.vocabulary import vocabulary_problems

    problems: list[Problem] = []
    models_dir = Settings(BUNDLED_CONTENT).models_dir
    for code, pack in packs.items():
        files, shown = _pack_files(snap, code)
        try:
            recognizer = make_recognizer(code, "auto", models_dir)
        except (RecognizerUnavailable, OSError) as err:
            problems.append(Problem(f"{shown}/language.yaml", 1, 1, f"no speech engine: {err}"))
            continue
        if recognizer is not None:
            intents = files["intents.yaml"].decode("utf-8")
            problems += vocabulary_problems(intents, f"{shown}/intents.yaml", pack, recognizer)
    return problems


def _print_screen(number: int, prompt: Prompt) -> None:
    print(f"--- screen {number}: {prompt.kind.value}" + (f" ({prompt.progress.show})" if prompt.progress else ""))
    print(f"show: {prompt.title.show}")
    if prompt.body.show:
        print(f"      {prompt.body.show}")
    if prompt.answers:
        print("      [" + "] [".join(label.show for _, label in prompt.answers) + "]")
    print(f"say:  {prompt.spoken}")


def cmd_preview(args: argparse.Namespace) -> int:
    folder = content_dir(args.content)
    try:
        packs = load_all(folder)
    except InvalidFiles as err:
        print(err, file=sys.stderr)
        return 1
    if args.lang not in packs:
        print(f"no language {args.lang!r} in {folder} (have: {', '.join(packs)})", file=sys.stderr)
        return 2
    answers = [a.strip() for a in args.answers.split(",") if a.strip()] if args.answers else None
    if answers is None and args.answer_all is None:
        print("give --answers or --answer-all", file=sys.stderr)
        return 2
    try:
        screens = walk(Conversation(packs[args.lang]), answers, args.answer_all)
    except PreviewError as err:
        print(f"preview: {err}", file=sys.stderr)
        return 2
    for number, prompt in enumerate(screens, 1):
        _print_screen(number, prompt)
    return 0


def cmd_content_install(args: argparse.Namespace) -> int:
    from kiosk.station.content_install import install
    from kiosk.station.content_store import approve

    settings = configured(args)
    target = Path(args.to) if args.to else settings.content_dir
    try:
        render = _renderer(args)  # its verdict kept where the kiosk looks: its start then draws nothing again
        kept = remembered(render, settings.state_dir) if render is not None else None
        print(install(Path(args.source), target, settings.content_signers, kept))
        approve(target, settings.state_dir)
    except InvalidFiles as err:
        for problem in err.problems:
            print(problem)
        print("content refused; nothing changed", file=sys.stderr)
        return 1
    print("the running kiosk applies it between patients (within a few seconds)")
    return 0


def cmd_content_rollback(args: argparse.Namespace) -> int:
    from kiosk.station.content_install import rollback
    from kiosk.station.content_store import approve

    settings = configured(args)
    target = Path(args.to) if args.to else settings.content_dir
    try:
        print(rollback(target))
        approve(target, settings.state_dir)
    except (FileNotFoundError, InvalidFiles) as err:
        print(f"rollback: {err}", file=sys.stderr)
        return 1
    return 0


def cmd_content_apply(args: argparse.Namespace) -> int:
    """Let content edited in place go live although it looks unfinished or takes something away."""
    from kiosk.station.content_store import ContentStore, approve

    settings = configured(args)
    folder = Path(args.to) if args.to else settings.content_dir
    try:
        packs = load_all(folder)
    except InvalidFiles as err:
        for problem in err.problems:
            print(problem)
        print("content refused; nothing applied", file=sys.stderr)
        return 1
    waiting = ContentStore(folder, settings.state_dir, settings.content_signers).assess().waiting
    approve(folder, settings.state_dir)
    for reason in waiting:
        print(f"applied although {reason}")
    print(f"applied {', '.join(f'{c} {p.version}' for c, p in packs.items())} from {folder}")
    print("the running kiosk uses it between patients (within a few seconds)")
    return 0
