"""The one content check every path runs (start, poll, SIGHUP, `content check`, `content install`, the
rollout): the content rules (kiosk.core.loader), a clinician's signature when the configuration asks for
one (kiosk.station.signing), and the screens rendered in the real app (kiosk.ui.render_check, handed in
by the command line: the station does not know the UI).

A rendering verdict is kept in the state folder by the content's digest, so the same content is rendered
once, and `alt-kiosk status` can say what the kiosk found without rendering it again.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from kiosk.core import snapshot
from kiosk.core.loader import load_snapshot
from kiosk.core.model import Content
from kiosk.core.problems import InvalidFiles, Problem
from kiosk.station.signing import Signature, verify

log = logging.getLogger("kiosk.content")
Render = Callable[[snapshot.Snapshot, dict[str, Content]], list[Problem]]
"""Renders the content read in a snapshot (its packs, as the rules passed them); its problems (empty:
every screen drew its own words)."""
VERDICTS = "rendered"
KEEP_VERDICTS = 8


def checked(
    snap: snapshot.Snapshot, signers: Path | None = None, render: Render | None = None
) -> tuple[dict[str, Content], Signature | None]:
    """The packs in `snap` and who signed them (None: signing not asked for).

    Raises:
        InvalidFiles: every problem found (a rule, the signature, or a screen that does not draw).
    """
    packs = load_snapshot(snap)
    signature = verify(snap, signers) if signers is not None else None
    if render is not None and (problems := render(snap, packs)):
        raise InvalidFiles(problems)
    return packs, signature


def remembered(render: Render, state_dir: Path) -> Render:
    """`render`, with each verdict kept in `state_dir` by the content's digest (and used again)."""

    def cached(snap: snapshot.Snapshot, packs: dict[str, Content]) -> list[Problem]:
        known = verdict(snap, state_dir)
        if known is not None:
            return known
        problems = render(snap, packs)
        _keep(snap, state_dir, problems)
        return problems

    return cached


def kept_verdict(state_dir: Path) -> Render:
    """What the kiosk found when it rendered the content (none: not rendered here yet); never renders."""
    return lambda snap, _: verdict(snap, state_dir) or []


def verdict(snap: snapshot.Snapshot, state_dir: Path) -> list[Problem] | None:
    """The kept rendering verdict for this content (None: never rendered here)."""
    data = snapshot.read_file(state_dir / VERDICTS / snap.digest(), limit=1024 * 1024)
    if not isinstance(data, bytes):
        return None
    lines = data.decode("utf-8", "replace").splitlines()
    return [p for p in map(Problem.parse, lines) if p is not None]


def _keep(snap: snapshot.Snapshot, state_dir: Path, problems: list[Problem]) -> None:
    folder = state_dir / VERDICTS
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime)[: -KEEP_VERDICTS + 1]:
            old.unlink(missing_ok=True)
        staged = folder / f".{snap.digest()}.tmp"
        staged.write_text("".join(f"{p}\n" for p in problems), encoding="utf-8")
        if os.geteuid() == 0:  # an admin's `content install`: the kiosk's user must still own its state
            owner = state_dir.stat()
            for path in (folder, staged):
                os.chown(path, owner.st_uid, owner.st_gid)
        staged.replace(folder / snap.digest())
    except OSError as err:
        log.warning("could not keep the rendering verdict in %s: %s", folder, err.strerror or err)
