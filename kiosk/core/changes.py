"""Is a change to the content finished, and does it take anything away? (For content edited in place.)

A file cut short while it is being written or copied can still be valid YAML: `advice.yaml` cut at
byte 1,807 of 2,641 parsed and passed every check, and patients lost two tips and saw half a sentence.
Such a change is held until an admin says it is meant (`alt-kiosk content apply`).
"""

from __future__ import annotations

from pathlib import Path

from kiosk.core.model import Content

CONTENT_SUFFIXES = (".yaml", ".yml")


def unfinished_files(folder: Path) -> list[str]:
    """Content files that do not end the way a complete file does: with a line break."""
    unfinished = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in CONTENT_SUFFIXES and path.is_file():
            with path.open("rb") as file:
                file.seek(0, 2)
                size = file.tell()
                if size:
                    file.seek(size - 1)
                if not size or file.read(1) != b"\n":
                    unfinished.append(str(path.relative_to(folder)))
    return unfinished


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


def hold_reasons(folder: Path, serving: dict[str, Content] | None, new: dict[str, Content]) -> list[str]:
    """Why valid content in `folder` should wait for an admin's word before it goes live (empty: it need not)."""
    reasons = [f"{name} does not end with a line break (still being written?)" for name in unfinished_files(folder)]
    if serving is not None:
        reasons += [f"it removes {what}" for what in removed(serving, new)]
    return reasons
