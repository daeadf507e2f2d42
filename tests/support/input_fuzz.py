"""Random and adversarial terminal input: what a broken keypad, a touch panel or a leaning patient may send."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

ESC = b"\x1b"
CSI = ESC + b"["
HUGE = (0, 1, 255, 256, 1114111, 1114112, 2**31, 2**32 + 1, 2**63, 99999999999, 10**40)


def _number(rng: random.Random) -> bytes:
    if rng.random() < 0.3:
        return str(rng.choice(HUGE)).encode()
    return str(rng.randint(0, 300)).encode()


def _params(rng: random.Random, most: int = 5) -> bytes:
    parts = []
    for _ in range(rng.randint(0, most)):
        part = _number(rng)
        if rng.random() < 0.2:  # kitty-style sub-parameters
            part += b":" + _number(rng)
        parts.append(part if rng.random() > 0.05 else b"")
    return b";".join(parts)


def _csi(rng: random.Random) -> bytes:
    private = rng.choice([b"", b"", b"?", b">", b"<", b"="])
    final = rng.choice(b"ABCDEFGHPQRSZ~uMmtRcnyhl$@`") if rng.random() > 0.1 else rng.randint(0x20, 0x7E)
    return CSI + private + _params(rng) + bytes([final])


def _kitty_key(rng: random.Random) -> bytes:
    return CSI + _number(rng) + b";" + _number(rng) + rng.choice([b"", b":" + _number(rng)]) + b"u"


def _ss3(rng: random.Random) -> bytes:
    return ESC + b"O" + bytes([rng.randint(0x20, 0x7E)])


def _sgr_mouse(rng: random.Random) -> bytes:
    return CSI + b"<" + _number(rng) + b";" + _number(rng) + b";" + _number(rng) + rng.choice([b"M", b"m"])


def _x10_mouse(rng: random.Random) -> bytes:
    return CSI + b"M" + bytes(rng.randint(0, 255) for _ in range(3))


def _paste(rng: random.Random) -> bytes:
    inner = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 40)))
    end = CSI + b"201~" if rng.random() > 0.2 else b""  # sometimes a paste that never ends
    return CSI + b"200~" + inner + end


def _osc(rng: random.Random) -> bytes:
    body = bytes(rng.randint(0x20, 0x7E) for _ in range(rng.randint(0, 30)))
    return ESC + b"]" + _number(rng) + b";" + body + rng.choice([b"\x07", ESC + b"\\", b""])


def _reports(rng: random.Random) -> bytes:
    """Replies a terminal sends: window size in band, mode reports, cursor position, device attributes."""
    return rng.choice(
        [
            CSI + b"48;" + _number(rng) + b";" + _number(rng) + b";" + _number(rng) + b";" + _number(rng) + b"t",
            CSI + b"?" + rng.choice([b"2026", b"2048", _number(rng)]) + b";" + _number(rng) + b"$y",
            CSI + _number(rng) + b";" + _number(rng) + b"R",
            CSI + b"?" + _params(rng) + b"c",
            CSI + b"I",
            CSI + b"O",
        ]
    )


def _bad_utf8(rng: random.Random) -> bytes:
    return rng.choice(
        [b"\x80", b"\xc3", b"\xe2\x82", b"\xf4\x90\x80\x80", b"\xff", b"\xfe", b"\xed\xa0\x80", b"\xc0\xaf"]
    )


def _noise(rng: random.Random) -> bytes:
    return bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 12)))


def _keys(rng: random.Random) -> bytes:
    return bytes(rng.choice(b"0123456789*\r\t \x7f\x03\x11\x1a\x1c\x10") for _ in range(rng.randint(1, 4)))


KINDS: dict[str, Callable[[random.Random], bytes]] = {
    "csi": _csi,
    "kitty": _kitty_key,
    "ss3": _ss3,
    "sgr-mouse": _sgr_mouse,
    "x10-mouse": _x10_mouse,
    "paste": _paste,
    "osc": _osc,
    "reports": _reports,
    "bad-utf8": _bad_utf8,
    "noise": _noise,
    "keys": _keys,
    "lone-esc": lambda rng: ESC * rng.randint(1, 3),
}
KNOWN_CRASHES = (CSI + b"1114112;1H", CSI + b"99999999999;5u", b"\xff\xfe", CSI + b"<0;1114112;1M")
"""Sequences that ended textual 8.2.8's input thread, found by the sweep and by this fuzzer."""


def sequences(seed: int, count: int) -> Iterator[bytes]:
    """`count` sequences, the known killers first, then a seeded random mix of every kind."""
    rng = random.Random(seed)
    yield from KNOWN_CRASHES
    makers = list(KINDS.values())
    for _ in range(count - len(KNOWN_CRASHES)):
        yield rng.choice(makers)(rng)


def feed(write: Callable[[bytes], None], alive: Callable[[], bool], seed: int, count: int, batch: int = 200) -> int:
    """Type `count` sequences in batches; returns the bytes sent. Raises AssertionError when the program ends."""
    pending: list[bytes] = []
    sent = done = 0
    for sequence in sequences(seed, count):
        pending.append(sequence)
        if len(pending) == batch or done + len(pending) == count:
            data = b"".join(pending)
            write(data)
            sent, done, pending = sent + len(data), done + len(pending), []
            assert alive(), f"the program ended after {done} sequences"
    write(CSI + b"201~")  # close a paste the fuzz may have left open
    return sent


SCREENS = (
    *("Liver test helper", "Question", "Your tips", "Tip ", "Thank you", "front desk", "still there"),
    *("肝功能小助手", "题，共", "给您的建议", "条，共", "谢谢您", "前台", "您还在吗"),  # a "2" on the welcome: 中文
)
"""Every screen a patient can be on shows one of these (bundled English content)."""
