"""The `alt-kiosk` command line: run the kiosk, staff and service commands; content (content.py) and speech (voice.py)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from kiosk import __version__
from kiosk.cli.common import CONTENT_RULES, configured, sound_options
from kiosk.cli.content import (
    cmd_content_apply,
    cmd_content_check,
    cmd_content_install,
    cmd_content_rollback,
    cmd_preview,
)
from kiosk.cli.review import add_parsers as add_review_parsers
from kiosk.cli.service import add_service_commands
from kiosk.cli.voice import add_voice_commands
from kiosk.core.problems import InvalidFiles
from kiosk.station.config import language_problems
from kiosk.station.settings import Settings


def settings_from(args: argparse.Namespace) -> Settings:
    """Defaults, then the configuration file, then the flags given on the command line.

    Raises:
        InvalidFiles: the configuration file has problems.
    """
    settings = configured(args)
    flags: dict[str, Any] = {
        "content_dir": Path(args.content) if args.content else None,
        "language": args.lang,
        "idle_seconds": args.idle,
        "idle_warning_seconds": args.idle_warning,
        "output_device": args.output_device,
        "volume_step": args.volume,
        "rate": args.rate,
        "cache_dir": Path(args.cache_dir) if args.cache_dir else None,
    }
    if args.mute:
        flags["sound"] = False
    if getattr(args, "kiosk", False):
        flags["kiosk_mode"] = True
    return replace(settings, **{k: v for k, v in flags.items() if v is not None})


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk.ui.launch import run

    try:
        settings = settings_from(args)
    except InvalidFiles as err:
        print(err, file=sys.stderr)
        print("alt-kiosk: configuration refused", file=sys.stderr)
        return 1
    from kiosk.station import logs
    from kiosk.station.content_store import ContentStore

    # Before the content is read, so what is said about it reaches the journal; stderr is captured
    # once the UI starts (until then a refusal is also printed where the admin can see it).
    logs.setup(for_ui=True, capture=False)
    log = logging.getLogger("kiosk")
    from kiosk.station.content_check import remembered
    from kiosk.ui.render_check import render_problems

    render = remembered(render_problems, settings.state_dir)
    store = ContentStore(settings.content_dir, settings.state_dir, settings.content_signers, render)
    try:
        state = store.load()
    except InvalidFiles as err:
        log.error("content in %s refused and no last good copy to serve: %s", settings.content_dir, err.problems[0])
        print(f"alt-kiosk: content in {settings.content_dir} was refused:", file=sys.stderr)
        print(err, file=sys.stderr)
        return 1
    for problem in state.problems:  # serving the last good copy meanwhile
        log.error("content refused: %s", problem)
    unknown = language_problems(settings, state.packs)
    if unknown:
        log.error("configuration refused: %s", unknown[0])
        print(InvalidFiles(unknown), file=sys.stderr)
        print("alt-kiosk: configuration refused", file=sys.stderr)
        return 1
    code = run(settings, store, state, lambda: settings_from(args))
    _exit_now(code)


def _exit_now(code: int) -> NoReturn:
    """End the process as soon as the kiosk has closed its devices.

    The interpreter's own teardown (PortAudio's exit handler, module clean-up) took 0.4-0.7 s of the
    second a stop may take; the kernel releases the sound devices and the terminal in any case.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
    os._exit(code)


def cmd_status(args: argparse.Namespace) -> int:
    from kiosk.station.status import refused_json, status, status_json

    try:
        settings = configured(args)
    except InvalidFiles as err:
        if args.json:
            print(refused_json(err.problems))
        else:
            print(err)
            print("status: NEEDS ATTENTION (configuration refused)")
        return 1
    if args.json:
        text, ok = status_json(settings)
        print(text)
    else:
        lines, ok = status(settings)
        print("\n".join(lines))
    return 0 if ok else 1


def cmd_set_pin(args: argparse.Namespace) -> int:
    from kiosk.station.config import config_path
    from kiosk.station.ops import set_pin

    try:
        pin = sys.stdin.readline().strip() if args.pin_stdin else None
        print(set_pin(config_path(args.config), pin))
        return 0
    except ValueError as err:
        print(f"set-pin: {err}", file=sys.stderr)
        return 2


def _kiosk_content_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", metavar="DIR", help="the kiosk's content folder (default: from the configuration)")
    parser.add_argument("--config", metavar="FILE", help="configuration file")


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
        "(`pkill -TERM -f 'alt-kiosk run'`). Content that is refused (see `content check --help`) is never "
        "served: the kiosk starts on its last good copy and says so in the journal and `alt-kiosk status`; it "
        "exits 1 only when there is no good copy at all, or the configuration is refused.",
    )
    run.add_argument(
        "--kiosk", action="store_true", help="lock the kiosk: no key a patient can press leaves it (for the service)"
    )
    run.add_argument("--content", metavar="DIR", help="content folder (default: the bundled content)")
    run.add_argument("--lang", help="language a new session starts in (default: the first configured)")
    run.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: $ALT_KIOSK_CONFIG or /etc/alt-kiosk/config.yaml if present)",
    )
    run.add_argument(
        "--idle",
        type=float,
        metavar="SECONDS",
        help="quiet time before the 'are you still there?' warning (default: 60)",
    )
    run.add_argument(
        "--idle-warning",
        type=float,
        metavar="SECONDS",
        help="how long the warning counts down before the session is wiped (default: 20)",
    )
    sound_options(run, defaults=False)
    run.add_argument("--mute", action="store_true", help="no sound at all (screen and touch only)")
    run.set_defaults(func=cmd_run)

    content = sub.add_parser("content", help="work with content folders")
    content_sub = content.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    check = content_sub.add_parser(
        "check",
        help="check a content folder; print file:line:column: message per problem",
        description="Exit 0 and a one-line summary when the content is good, else exit 1 and one line per problem. "
        + CONTENT_RULES,
    )
    check.add_argument(
        "dir",
        nargs="?",
        metavar="DIR",
        help="a content folder (all languages), one language folder, or a zip of one; default: the bundled content",
    )
    check.add_argument(
        "--speech", action="store_true", help="also check every phrase against the speech model the kiosk would use"
    )
    check.add_argument(
        "--versions",
        action="store_true",
        help='when good, print each language\'s version as JSON instead ({"en": "2026.11.27-1"}; for scripts)',
    )
    check.add_argument(
        "--signers",
        metavar="FILE",
        help="also require a valid clinical signature by a signer in this allowed_signers file",
    )
    check.add_argument(
        "--no-render", action="store_true", help="leave out drawing every screen in the real app (a quick look)"
    )
    check.set_defaults(func=cmd_content_check)
    add_review_parsers(content_sub)

    install_ = content_sub.add_parser(
        "install",
        help="check a content folder or zip, then swap it in (the old one is kept for rollback)",
        description="Check DIR or ZIP as `content check` does, then put exactly the checked files in place, whole or "
        "not at all; the old content is kept for `content rollback`. A zip that is damaged, not a zip, over 64 MiB "
        "unpacked or with entries outside its folder is refused and nothing changes. " + CONTENT_RULES,
    )
    install_.add_argument("source", metavar="DIR|ZIP")
    _kiosk_content_options(install_)
    install_.set_defaults(func=cmd_content_install)
    rollback_ = content_sub.add_parser("rollback", help="swap the previous content back in")
    _kiosk_content_options(rollback_)
    rollback_.set_defaults(func=cmd_content_rollback)
    apply_ = content_sub.add_parser(
        "apply",
        help="let content edited in place go live although it waits (looks unfinished, or removes something)",
        description="The running kiosk holds content edited in place when a file does not end with a line break "
        "(it may still be being written) or when it removes languages, questions, tips or intents. Check the "
        "folder, then run this to let exactly these files go live (`alt-kiosk status` says what waits).",
    )
    _kiosk_content_options(apply_)
    apply_.set_defaults(func=cmd_content_apply)

    status = sub.add_parser("status", help="what staff need at a glance; exit 1 when something needs attention")
    status.add_argument("--config", metavar="FILE", help="configuration file")
    status.add_argument(
        "--json",
        action="store_true",
        help="the same as one JSON document for a fleet's tools (fields: README, 'alt-kiosk status --json'; "
        "schema: docs/status.schema.json); same exit codes",
    )
    status.set_defaults(func=cmd_status)

    pin = sub.add_parser(
        "set-pin",
        help="set the staff PIN for the admin screen (stored as a salted slow hash)",
        description="Write a salted slow hash of a new PIN (4 to 12 digits) into the configuration, keeping the "
        "file's owner, group and mode (so the service can still read it). The running kiosk takes the new PIN "
        "at `systemctl reload alt-kiosk`; the old one stops working then.",
    )
    pin.add_argument("--config", metavar="FILE", help="configuration file to write it to")
    pin.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input (for scripts)")
    pin.set_defaults(func=cmd_set_pin)

    add_service_commands(sub)
    add_voice_commands(sub)

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
