"""The faults the content fuzzer (bench/content_fuzz.py) puts into a copy of the content, one function each.

Each takes the random source and the content folder, changes the folder, and says what it did. A fault
that an earlier one made impossible (the file is gone, or no longer a plain file) raises OSError.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import stat
from collections.abc import Callable
from pathlib import Path

from kiosk.core.snapshot import FILES, MAX_FILE_BYTES

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
