"""The `alt-kiosk` command line: run the kiosk, check and preview content."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.core.flow import Conversation, Prompt
from kiosk.core.loader import load_all
from kiosk.core.preview import PreviewError, walk
from kiosk.core.problems import InvalidFiles
from kiosk.core.readability import grade

BUNDLED_CONTENT = Path(__file__).resolve().parent.parent / "content"


def _content_dir(value: str | None) -> Path:
    return Path(value) if value else BUNDLED_CONTENT


def cmd_content_check(args: argparse.Namespace) -> int:
    folder = _content_dir(args.dir)
    try:
        packs = load_all(folder, args.dir or str(folder))
    except InvalidFiles as err:
        for problem in err.problems:
            print(problem)
        print(f"{len(err.problems)} problem(s); content refused", file=sys.stderr)
        return 1
    parts = []
    for code, pack in packs.items():
        texts = [q.text.show for q in pack.questions] + [a.text.show for a in pack.advice]
        level = max(grade(t) for t in texts) if code == "en" else None
        reading = f", hardest screen grade {level:.1f}" if level is not None else ""
        parts.append(
            f"{code} v{pack.version}: {len(pack.questions)} questions, {len(pack.advice)} tips, "
            f"{len(pack.intents)} intents{reading}"
        )
    print(f"OK {folder}: " + "; ".join(parts))
    return 0


def _print_screen(number: int, prompt: Prompt) -> None:
    print(f"--- screen {number}: {prompt.kind.value}" + (f" ({prompt.progress.show})" if prompt.progress else ""))
    print(f"show: {prompt.title.show}")
    if prompt.body.show:
        print(f"      {prompt.body.show}")
    if prompt.answers:
        print("      [" + "] [".join(label.show for _, label in prompt.answers) + "]")
    print(f"say:  {prompt.spoken}")


def cmd_preview(args: argparse.Namespace) -> int:
    folder = _content_dir(args.content)
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


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk.settings import Settings, default_cache_dir
    from kiosk.ui.launch import run

    settings = Settings(
        content_dir=_content_dir(args.content),
        kiosk_mode=args.kiosk,
        language=args.lang,
        idle_seconds=args.idle,
        idle_warning_seconds=args.idle_warning,
        sound=not args.mute,
        output_device=args.output_device,
        volume_step=args.volume,
        rate=args.rate,
        cache_dir=Path(args.cache_dir) if args.cache_dir else default_cache_dir(),
    )
    return run(settings)


def cmd_say(args: argparse.Namespace) -> int:
    import wave

    import numpy as np

    from kiosk.settings import default_cache_dir
    from kiosk.voice.base import VOLUME_STEPS_DB
    from kiosk.voice.cache import PromptCache
    from kiosk.voice.player import PlaybackError, Player
    from kiosk.voice.speaker import VoiceSpeaker, sentences
    from kiosk.voice.synth import SynthesisError

    voice = args.lang  # with no content for that language, the code is the espeak-ng voice
    with contextlib.suppress(InvalidFiles, KeyError):
        voice = load_all(_content_dir(args.content))[args.lang].voice
    cache = PromptCache(Path(args.cache_dir) if args.cache_dir else default_cache_dir())
    speaker = VoiceSpeaker({args.lang: voice}, cache, player=Player(args.output_device), rate=args.rate)
    try:
        clips = [speaker.clip(part, args.lang) for part in sentences(" ".join(args.text))]
        if not clips:
            print("say: nothing to say", file=sys.stderr)
            return 2
        if args.to:
            with wave.open(args.to, "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(clips[0].rate)
                out.writeframes(np.concatenate([c.samples for c in clips]).tobytes())
            print(f"wrote {args.to}: {sum(c.seconds for c in clips):.2f} s at {clips[0].rate} Hz")
        else:
            speaker.player.play(clips, VOLUME_STEPS_DB[args.volume])
        return 0
    except (SynthesisError, PlaybackError, OSError) as err:
        print(f"say: {err}", file=sys.stderr)
        return 1
    finally:
        speaker.close()


def _sound_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rate", choices=["normal", "slow"], default="normal", help="speech rate (default: normal)")
    parser.add_argument(
        "--volume",
        type=int,
        choices=range(5),
        default=3,
        metavar="0-4",
        help="volume step, 0 softest (-24 dB) to 4 loudest (0 dB); default 3 (-6 dB)",
    )
    parser.add_argument("--output-device", metavar="DEVICE", help="audio output device (default: system default)")
    parser.add_argument("--cache-dir", metavar="DIR", help="speech cache (default: ~/.cache/alt-kiosk)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alt-kiosk",
        description="Offline waiting-room assistant for patients with a high ALT liver test.",
    )
    parser.add_argument("--version", action="version", version=f"alt-kiosk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run the kiosk full-screen in this terminal",
        description="Run the kiosk full-screen in this terminal. Outside --kiosk mode ctrl+q quits. In --kiosk "
        "mode no key leaves the app: staff stop it with `systemctl stop alt-kiosk` or SIGTERM "
        "(`pkill -TERM -f 'alt-kiosk run'`).",
    )
    run.add_argument(
        "--kiosk", action="store_true", help="lock the kiosk: no key a patient can press leaves it (for the service)"
    )
    run.add_argument("--content", metavar="DIR", help="content folder (default: the bundled content)")
    run.add_argument("--lang", default="en", help="language a new session starts in (default: en)")
    run.add_argument(
        "--idle",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="quiet time before the 'are you still there?' warning (default: 60)",
    )
    run.add_argument(
        "--idle-warning",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="how long the warning counts down before the session is wiped (default: 20)",
    )
    _sound_options(run)
    run.add_argument("--mute", action="store_true", help="no sound at all (screen and touch only)")
    run.set_defaults(func=cmd_run)

    say = sub.add_parser(
        "say",
        help="speak text through the speaker, or write it to a WAV file",
        description="Speak TEXT with the kiosk's voice, to test the speaker or hear content. "
        "Exit 1 with the reason when there is no sound (no device, no espeak-ng).",
    )
    say.add_argument("text", nargs="+", metavar="TEXT")
    say.add_argument("--lang", default="en", help="language code; its content's voice is used (default: en)")
    say.add_argument("--to", metavar="FILE.wav", help="write a WAV file instead of playing")
    say.add_argument("--content", metavar="DIR", help="content folder (default: the bundled content)")
    _sound_options(say)
    say.set_defaults(func=cmd_say)

    content = sub.add_parser("content", help="work with content folders")
    content_sub = content.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    check = content_sub.add_parser(
        "check",
        help="check a content folder; print file:line:column: message per problem",
        description="Exit 0 and a one-line summary when the content is good, else exit 1 and one line per problem.",
    )
    check.add_argument(
        "dir",
        nargs="?",
        metavar="DIR",
        help="a content folder (all languages) or one language folder; default: the bundled content",
    )
    check.set_defaults(func=cmd_content_check)

    preview = sub.add_parser("preview", help="print every screen a patient with these answers would meet")
    preview.add_argument("--lang", default="en", help="language code (default: en)")
    preview.add_argument("--content", metavar="DIR", help="content folder (default: the bundled content)")
    group = preview.add_mutually_exclusive_group()
    group.add_argument(
        "--answers", metavar="A,B,...", help="answers in the order the questions are met, e.g. no,yes,unsure"
    )
    group.add_argument(
        "--answer-all",
        metavar="ANSWER",
        choices=["yes", "no", "unsure"],
        help="answer no to the warning-signs question and ANSWER to every other question",
    )
    preview.set_defaults(func=cmd_preview)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result
