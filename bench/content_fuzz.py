"""Content fuzzer: whatever an admin or an attacker leaves in the content folder, the kiosk serves the new
content or the last good copy, within 2 s, never crashing, never blocking, never reading past the limit.

Each case copies the bundled content, applies one to three random faults (to the YAML's structure, its
bytes and encoding, or the file system: kinds of file, sizes, permissions, links, nesting), then checks
it both ways the kiosk does: hot (ContentStore.check, as the UI's poll and SIGHUP) and at start
(ContentStore.load, a new process). Every check runs in a thread that must finish within LIMIT_SECONDS;
every read of a content file (os.read) is counted.

Run as a user whose file permissions bind (the test suite runs it via tests/support/service_user.py; run as
root, it runs itself again without the capabilities that bypass file permissions):
    python -m bench.content_fuzz --cases 3000 --seed 1     # the long run; prints a table
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.content_faults import FAULTS  # noqa: E402
from kiosk.core import snapshot  # noqa: E402
from kiosk.core.snapshot import FILES, MAX_FILE_BYTES  # noqa: E402
from kiosk.station.content_store import ContentState, ContentStore  # noqa: E402

CONTENT = ROOT / "content"
LIMIT_SECONDS = 2.0


class ReadCounter:
    """Counts the bytes os.read returns on content files, the largest single file total included."""

    def __init__(self) -> None:
        self.total = 0
        self._real = os.read

    def __enter__(self) -> ReadCounter:
        def counted(fd: int, n: int) -> bytes:
            data = self._real(fd, n)
            self.total += len(data)
            return data

        os.read = counted
        return self

    def __exit__(self, *_: object) -> None:
        os.read = self._real


def bounded(check: Callable[[], ContentState | None]) -> tuple[ContentState | None, float, int, str]:
    """Run `check` in a thread: (its state, seconds, bytes read, what went wrong or "")."""
    result: list[ContentState | None] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(check())
        except BaseException as err:  # anything at all is a finding
            errors.append(err)

    with ReadCounter() as reads:
        started = time.monotonic()
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(LIMIT_SECONDS)
        took = time.monotonic() - started
    if thread.is_alive():
        return None, took, reads.total, "blocked"
    if errors:
        return None, took, reads.total, f"raised {type(errors[0]).__name__}: {errors[0]}"
    return result[0], took, reads.total, ""


def one_case(rng: random.Random, work: Path) -> tuple[list[str], str, float, int, str]:
    """(faults applied, outcome, slowest check in s, most bytes read, finding or "")."""
    folder, state = work / "content", work / "state"
    shutil.copytree(CONTENT, folder, ignore=shutil.ignore_patterns("README.md"))
    store = ContentStore(folder, state)
    store.load()  # the last good copy
    faults = []
    for _ in range(rng.randint(1, 3)):
        fault = rng.choice(FAULTS)
        try:
            faults.append(fault(rng, folder))
        except (OSError, ValueError):  # an earlier fault took the file, its text or the permission away
            faults.append(f"{fault.__name__.replace('_', ' ')} (could not apply)")
    hot, hot_s, hot_read, hot_finding = bounded(store.check)
    start, start_s, start_read, start_finding = bounded(ContentStore(folder, state).load)
    read = max(hot_read, start_read)
    finding = hot_finding or start_finding or _wrong_outcome(hot, start, read, state)
    outcome = "refused" if hot and hot.problems else "held" if hot and hot.waiting else "new content live"
    return faults, outcome, max(hot_s, start_s), read, finding


def _wrong_outcome(hot: ContentState | None, start: ContentState | None, read: int, state: Path) -> str:
    """What went wrong with a case that raised nothing and did not hang ("": nothing)."""
    if read > len(FILES) * 2 * (MAX_FILE_BYTES + 1):  # the most two language folders may cost
        return f"read {read} bytes"
    if start is None or "en" not in start.packs:
        return "started with nothing to serve"
    if hot is not None and (hot.problems or hot.waiting) and hot.packs:
        return "refused content was put live"
    kept = snapshot.read(state / "last-good-content")
    if kept.problems or sorted(kept.packs) != ["en", "zh"]:
        return "the last good copy was damaged"
    return ""


def _restore(work: Path) -> None:
    """Give the case's folders their permissions back so they can be removed (links are never followed)."""
    for here, folders, _ in os.walk(work):
        for name in folders:
            path = os.path.join(here, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)


def run(cases: int, seed: int) -> tuple[Counter[str], Counter[str], list[str], float, int, float]:
    rng = random.Random(seed)
    kinds: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    findings: list[str] = []
    slowest, most, began = 0.0, 0, time.monotonic()
    for case in range(cases):
        work = Path(tempfile.mkdtemp(prefix="content-fuzz-"))
        try:
            faults, outcome, took, read, finding = one_case(rng, work)
        finally:
            _restore(work)
            shutil.rmtree(work, ignore_errors=True)
        kinds.update(faults)
        outcomes[outcome] += 1
        slowest, most = max(slowest, took), max(most, read)
        if finding:
            findings.append(f"case {case} (seed {seed}): {' + '.join(faults)}: {finding}")
    return kinds, outcomes, findings, slowest, most, time.monotonic() - began


NO_BYPASS = ["--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]
"""setpriv options: no capabilities that bypass file permissions (tests/support/service_user.py uses them too)."""


def main() -> int:
    if os.geteuid() == 0 and "ALT_KIOSK_FUZZ_AS_USER" not in os.environ:
        # As root, permissions would not bind: run again without the capabilities that bypass them.
        os.environ["ALT_KIOSK_FUZZ_AS_USER"] = "1"
        argv = ["setpriv", "--reuid=0", "--regid=0", "--clear-groups", *NO_BYPASS]
        os.execvp("setpriv", [*argv, sys.executable, os.path.abspath(__file__), *sys.argv[1:]])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # refusals are the expected outcome, not news
    kinds, outcomes, findings, slowest, most, seconds = run(args.cases, args.seed)
    print(f"| {args.cases} cases, seed {args.seed} | {seconds:.0f} s |")
    print("|---|---|")
    for kind, count in sorted(kinds.items()):
        print(f"| fault: {kind} | {count} |")
    for outcome, count in sorted(outcomes.items()):
        print(f"| hot check: {outcome} | {count} |")
    print(f"| slowest check (hot or start) | {slowest:.2f} s (limit {LIMIT_SECONDS:g} s) |")
    print(f"| most bytes read by one check | {most:,} (limit {len(FILES) * 2 * (MAX_FILE_BYTES + 1):,}) |")
    print(f"| findings | {len(findings)} |")
    for finding in findings[:20]:
        print(f"  {finding}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
