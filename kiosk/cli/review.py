"""`alt-kiosk content review` and `content sign`: what a clinician reads before signing, and the signing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.core import snapshot
from kiosk.core.loader import load_snapshot
from kiosk.core.model import Content, Text
from kiosk.core.problems import InvalidFiles


def add_parsers(content_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    review = content_sub.add_parser(
        "review",
        help="print a review document of every patient-facing text, for the clinician who signs it",
        description="Every screen's text in the order patients meet it, for each language, shown and spoken. With "
        "--since OLD_DIR (for example the content now live), each text is marked NEW or CHANGED and removed "
        "texts are listed. Print it or save it (> review.md) for the clinical reviewer.",
    )
    review.add_argument("dir", metavar="DIR", help="the content folder to be signed")
    review.add_argument("--since", metavar="OLD_DIR", help="the last signed content, to show what changed")
    review.set_defaults(func=cmd_content_review)
    sign = content_sub.add_parser(
        "sign",
        help="sign a content folder as its clinical reviewer (OpenSSH key)",
        description="Check DIR, then write signed-content.txt (the SHA-256 of every file the kiosk reads, the "
        "signer and the time) and its signature signed-content.txt.sig, made with the reviewer's OpenSSH key "
        "(ssh-keygen -Y sign, namespace alt-kiosk-content). Kiosks whose configuration names content_signers "
        "serve content only when its signature is valid for a signer listed there, for exactly these bytes.",
    )
    sign.add_argument("dir", metavar="DIR")
    sign.add_argument("--key", required=True, metavar="KEY", help="the reviewer's OpenSSH private key file")
    sign.add_argument(
        "--signer", required=True, help="the reviewer's identity as listed in allowed_signers (e.g. an email address)"
    )
    sign.set_defaults(func=cmd_content_sign)


def cmd_content_sign(args: argparse.Namespace) -> int:
    from kiosk.station.signing import sign

    try:
        signature = sign(Path(args.dir), Path(args.key), args.signer)
    except InvalidFiles as err:
        for problem in err.problems:
            print(problem)
        print("content not signed", file=sys.stderr)
        return 1
    print(f"signed {args.dir} as {signature.signer} at {signature.signed}")
    return 0


def cmd_content_review(args: argparse.Namespace) -> int:
    try:
        packs = load_snapshot(snapshot.read(Path(args.dir)))
        old = load_snapshot(snapshot.read(Path(args.since))) if args.since else None
    except InvalidFiles as err:
        print(err, file=sys.stderr)
        print("content refused: fix it before review", file=sys.stderr)
        return 1
    print(f"# Content review: {args.dir}\n")
    print("Every text a patient can meet, in the order they meet it. 'Shown' is on the screen; 'Spoken' is read")
    print("aloud. Sign only if every text is safe for patients (alt-kiosk content sign).\n")
    print(since_signed(snapshot.read(Path(args.dir))) + "\n")
    for code, pack in packs.items():
        before = dict(texts_in_order(old[code])) if old and code in old else None
        print(f"## {pack.name} ({code}), version {pack.version}\n")
        for where, text in texts_in_order(pack):
            mark = (
                ""
                if before is None
                else " — NEW"
                if where not in before
                else " — CHANGED"
                if before[where] != text
                else ""
            )
            print(f"### {where}{mark}\n")
            print(f"Shown: {text.show}\n" if text.show == text.say else f"Shown: {text.show}\n\nSpoken: {text.say}\n")
        if before is not None:
            gone = [where for where in before if where not in dict(texts_in_order(pack))]
            for where in gone:
                print(f"### {where} — REMOVED\n\nWas: {before[where].show}\n")
    return 0


def since_signed(snap: snapshot.Snapshot) -> str:
    """Which files changed since the folder's last signature (its manifest), in a line for the reviewer."""
    from kiosk.station.signing import MANIFEST, file_lines

    manifest = snap.signature.get(MANIFEST)
    if manifest is None:
        return "This content has never been signed: review every text."
    text = manifest.decode("utf-8", "replace")
    signed = [line for line in text.splitlines() if line.startswith("sha256 ")]
    who = next((line for line in text.splitlines() if line.startswith("signer: ")), "signer: unknown")[8:]
    changed = sorted({line.split("  ", 1)[-1] for line in set(signed) ^ set(file_lines(snap))})
    if not changed:
        return f"Nothing has changed since {who} signed it."
    return f"Changed since {who} signed it: {', '.join(changed)} (with --since OLD_DIR, each text is marked)."


def texts_in_order(pack: Content) -> list[tuple[str, Text]]:
    """(where, text) for every patient-facing text of a pack, in the order a patient meets them."""
    out: list[tuple[str, Text]] = [("Language button", Text.same(pack.name))]
    screens = pack.screens

    def screen(name: str) -> None:
        if name in screens:
            parts = (("title", screens[name].title), ("text", screens[name].body), ("hint", screens[name].hint))
            out.extend((f"{name.replace('_', ' ').capitalize()} screen: {part}", t) for part, t in parts if t)

    screen("welcome")
    for number, question in enumerate(pack.questions, 1):
        out.append((f"Question {number} ({question.id})", question.text))
        out.extend((f"Question {number}: answer {i}", pack.buttons[i]) for i in question.answers if i in pack.buttons)
    screen("readback_intro")
    for tip in pack.advice:
        out += [(f"Tip {tip.id}: title", tip.title), (f"Tip {tip.id}: text", tip.text)]
    out += [(f"Text: {name}", text) for name, text in pack.texts.items()]
    for name in ("goodbye", "front_desk", "help", "sound"):
        screen(name)
    out += [(f"Button: {name}", text) for name, text in pack.buttons.items()]
    return out
