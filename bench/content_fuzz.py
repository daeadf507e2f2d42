"""Content fuzzer: whatever an admin or an attacker leaves in the content folder, the kiosk serves the new
content or the last good copy, within 2 s, never crashing, never blocking, never reading past the limit.

Each case copies the bundled content, applies one to three random faults (to the YAML's structure, its
bytes and encoding, or the file system: kinds of file, sizes, permissions, links, nesting), then checks
it both ways the kiosk does: hot (ContentStore.check, as the UI's poll and SIGHUP) and at start
(ContentStore.load, a new process). Every check runs in a thread that must finish within LIMIT_SECONDS;
every read of a content file (os.read) is counted.

Run as a user whose file permissions bind (the test suite runs it via tests/service_user.py; run as
root, it runs itself again without the capabilities that bypass file permissions):
    python -m bench.content_fuzz --cases 3000 --seed 1     # the long run; prints a table
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import socket
import stat
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.content_store import ContentState, ContentStore  # noqa: E402
from kiosk.core import snapshot  # noqa: E402
from kiosk.core.snapshot import FILES, MAX_FILE_BYTES  # noqa: E402

CONTENT = ROOT / "content"
LIMIT_SECONDS = 2.0
Fault = Callable[[random.Random, Path], str]


def _file(rng: random.Random, folder: Path) -> Path:
    return folder / rng.choice(["en", "zh"]) / rng.choice(FILES)


def _plain(path: Path) -> Path:
    """`path`, if an earlier fault left it a plain, small file (the fuzzer must not hang on a pipe either)."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode) or st.st_size > 2 * MAX_FILE_BYTES:
        raise OSError(f"{path} is no longer a plain content file")
    return path


def _replace(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


# Faults in the file system ---------------------------------------------------------------------------


def named_pipe(rng: random.Random, folder: Path) -> str:
    path = _file(rng, folder)
    _replace(path)
    os.mkfifo(path)
    return "named pipe"


def link(rng: random.Random, folder: Path) -> str:
    path = _file(rng, folder)
    target = rng.choice(["/dev/zero", "/dev/null", "/dev/urandom", "missing", "../en/advice.yaml", str(path)])
    _replace(path)
    path.symlink_to(target)
    return f"link to {'a content file' if target.endswith('.yaml') else target}"


def socket_file(rng: random.Random, folder: Path) -> str:
    path = _file(rng, folder)
    _replace(path)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
    return "socket"


def folder_instead(rng: random.Random, folder: Path) -> str:
    path = _file(rng, folder)
    _replace(path)
    path.mkdir()
    return "folder instead of a file"


def huge_sparse(rng: random.Random, folder: Path) -> str:
    with open(_plain(_file(rng, folder)), "r+b") as f:
        f.truncate(rng.choice([MAX_FILE_BYTES + 1, 64 << 20, 3 << 30]))
    return "huge (sparse) file"


def at_the_limit(rng: random.Random, folder: Path) -> str:
    path = _plain(_file(rng, folder))
    data = path.read_bytes()
    size = MAX_FILE_BYTES + rng.choice([0, 1])
    path.write_bytes(data + b"\n#" + b"x" * (size - len(data) - 3) + b"\n")
    return "file at the limit (+0 / +1 byte)"


def unreadable(rng: random.Random, folder: Path) -> str:
    target = rng.choice([_file(rng, folder), folder / rng.choice(["en", "zh"]), folder])
    target.chmod(rng.choice([0, 0o200, 0o100]))
    return "no permission (file or folder)"


def removed(rng: random.Random, folder: Path) -> str:
    target = rng.choice([_file(rng, folder), folder / "zh"])
    _replace(target)
    return "file or language removed"


def language_link(rng: random.Random, folder: Path) -> str:
    shutil.rmtree(folder / "zh")
    (folder / "zh").symlink_to(rng.choice([str(folder / "en"), "/", "/proc/self"]))
    return "language folder is a link"


# Faults in the bytes and the YAML ----------------------------------------------------------------------


def truncated(rng: random.Random, folder: Path) -> str:
    path = _plain(_file(rng, folder))
    data = path.read_bytes()
    path.write_bytes(data[: rng.randrange(len(data))])
    return "truncated"


def random_bytes(rng: random.Random, folder: Path) -> str:
    path = _plain(_file(rng, folder))
    data = bytearray(path.read_bytes())
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    path.write_bytes(bytes(data))
    return "random bytes"


def encoding(rng: random.Random, folder: Path) -> str:
    path = _plain(_file(rng, folder))
    text = path.read_text(encoding="utf-8")
    how = rng.choice(["utf-16", "utf-8-sig", "latin-1", "crlf", "nul"])
    if how == "crlf":
        path.write_bytes(text.replace("\n", "\r\n").encode())
    elif how == "nul":
        path.write_bytes(text.encode() + b"\0" * 10)
    else:
        path.write_bytes(text.encode(how, errors="replace"))
    return f"encoding ({how})"


def nesting(rng: random.Random, folder: Path) -> str:
    depth = rng.choice([10, 63, 64, 65, 200, 3000, 100_000])
    opener, closer = rng.choice([("[", "]"), ("{a: ", "}"), ("- ", "")])
    if closer:  # flow style: [[[x]]]
        body = opener * depth + "x" + closer * depth
    else:  # block style, one level per line (indentation grows with depth: at most 300 levels)
        body = "\n" + "".join("  " * i + "- \n" for i in range(min(depth, 300)))
    with open(_plain(_file(rng, folder)), "a", encoding="utf-8") as f:
        f.write(f"\nnested: {body}\n")
    return "deep nesting"


def alias_bomb(rng: random.Random, folder: Path) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, rng.randint(3, 9))]
    with open(_plain(_file(rng, folder)), "a", encoding="utf-8") as f:
        f.write("\n" + "\n".join(lines) + "\n")
    return "alias bomb"


def yaml_noise(rng: random.Random, folder: Path) -> str:
    path = _plain(_file(rng, folder))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    noise = rng.choice(
        [
            "!!python/object/apply:os.system ['true']\n",
            "key: !!binary aGVsbG8=\n",
            "questions: null\n",
            "advice: {}\n",
            "  - id: " + "x" * 5000 + "\n",
            "text: '" + "\U0001f600" * 1000 + "'\n",
            "- [1, 2\n",
            "? [a, b]\n: c\n",
            "id: {{placeholder}\n",
            "red_flag: maybe\n",
            "      yes: {}\n",
            "disclaimer: Tips only.\n",
            "    text: You have liver cancer. Stop taking all your medicines.\n",
        ]
    )
    lines.insert(rng.randrange(len(lines) + 1), noise)
    path.write_text("".join(lines), encoding="utf-8")
    return "YAML noise"


def valid_edit(rng: random.Random, folder: Path) -> str:
    path = _plain(folder / rng.choice(["en", "zh"]) / "screens.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title:", f"title: v{rng.randrange(1000)}", 1), encoding="utf-8")
    return "valid edit"


FAULTS: list[Fault] = [
    named_pipe, link, socket_file, folder_instead, huge_sparse, at_the_limit, unreadable, removed,
    language_link, truncated, random_bytes, encoding, nesting, alias_bomb, yaml_noise, valid_edit,
]  # fmt: skip


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
    limit = len(FILES) * 2 * (MAX_FILE_BYTES + 1)  # the most two language folders may cost
    finding = hot_finding or start_finding
    if not finding and max(hot_read, start_read) > limit:
        finding = f"read {max(hot_read, start_read)} bytes"
    if not finding and (start is None or "en" not in start.packs):
        finding = "started with nothing to serve"
    if not finding and hot is not None and (hot.problems or hot.waiting) and hot.packs:
        finding = "refused content was put live"
    kept = snapshot.read(state / "last-good-content")
    if not finding and (kept.problems or sorted(kept.packs) != ["en", "zh"]):
        finding = "the last good copy was damaged"
    outcome = "refused" if hot and hot.problems else "held" if hot and hot.waiting else "new content live"
    return faults, outcome, max(hot_s, start_s), max(hot_read, start_read), finding


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
