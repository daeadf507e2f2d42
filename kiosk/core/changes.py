"""Is a change to the content finished, and does it take anything away? (For content edited in place.)

A file cut short while it is being written or copied can still be valid YAML: `advice.yaml` cut at
byte 1,807 of 2,641 parsed and passed every check, and patients lost two tips and saw half a sentence.
Such a change is held until an admin says it is meant (`alt-kiosk content apply`).
"""

from __future__ import annotations

from kiosk.core.model import Content
from kiosk.core.snapshot import Snapshot


def unfinished_files(snap: Snapshot) -> list[str]:
    """Content files that do not end the way a complete file does: with a line break."""
    return [
        snap.shown(folder, name).removeprefix(snap.display.rstrip("/") + "/")
        for folder, files in sorted(snap.packs.items())
        for name, data in sorted(files.items())
        if not data.endswith(b"\n")
    ]


def removed(serving: dict[str, Content], new: dict[str, Content]) -> list[str]:
    """What `new` no longer has of `serving`: languages, questions, tips and intents, one line per kind."""
    lines = []
    gone = [code for code in serving if code not in new]
    if gone:
        lines.append(f"languages {', '.join(gone)}")
    for code, old in serving.items():
        if code not in new:
            continue
        kept = new[code]
        for kind, before, after in (
            ("questions", [q.id for q in old.questions], {q.id for q in kept.questions}),
            ("tips", [a.id for a in old.advice], {a.id for a in kept.advice}),
            ("intents", list(old.intents), set(kept.intents)),
        ):
            missing = [name for name in before if name not in after]
            if missing:
                lines.append(f"{code} {kind} {', '.join(missing)}")
    return lines


def hold_reasons(snap: Snapshot, serving: dict[str, Content] | None, new: dict[str, Content]) -> list[str]:
    """Why valid content read in `snap` should wait for an admin's word before it goes live (empty: it need not)."""
    reasons = [f"{name} does not end with a line break (still being written?)" for name in unfinished_files(snap)]
    if serving is not None:
        reasons += [f"it removes {what}" for what in removed(serving, new)]
    return reasons
