"""Rendering text to speech in a child process that can crash or hang without harming the kiosk.

One worker process per engine and voice: pyttsx3/espeak-ng (kiosk.speaking.espeak_worker) and each Piper
voice (kiosk.speaking.piper_worker), all speaking the same line protocol.
"""

from __future__ import annotations

import functools
import importlib.util
import subprocess
import sys
import threading
from importlib import metadata
from pathlib import Path

from kiosk.speech.worker import Worker, WorkerError

RENDER_TIMEOUT = 10.0


class SynthesisError(WorkerError):
    """Text could not be rendered; the message says why, for the log and for staff."""


class Synthesizer(Worker):
    """Owns the pyttsx3 worker process; restarts it after a crash or a hang.

    Subclasses speak with other engines: they give the command, the request and the version.
    """

    def __init__(self, command: list[str] | None = None, timeout: float = RENDER_TIMEOUT) -> None:
        super().__init__(
            command or [sys.executable, "-m", "kiosk.speaking.espeak_worker"], "text-to-speech", SynthesisError
        )
        self._timeout = timeout
        self._lock = threading.Lock()
        self._version = ""

    def render(self, text: str, voice: str, rate: int, path: Path) -> None:
        """Write `text` spoken with `voice` at `rate` words a minute to the WAV file `path`."""
        with self._lock:
            self.send(self.request(text, voice, rate, path))
            self.reply(self._timeout)

    def request(self, text: str, voice: str, rate: int, path: Path) -> dict[str, object]:
        """What the worker is asked to render."""
        said, voice = espeak_input(text, voice)
        return {"text": said, "voice": voice, "rate": rate, "path": str(path)}

    @property
    def version(self) -> str:
        """pyttsx3's and espeak-ng's versions: part of every cache key (found without starting the worker)."""
        if not self._version:
            espeak = _espeak_banner() or "espeak-ng missing"
            self._version = f"pyttsx3 {package_version('pyttsx3')}; {espeak.split('  ')[0].strip()}"
        return self._version

    def start(self, wait: bool = True) -> None:
        """Start the worker now (it otherwise starts with the first render)."""
        with self._lock:
            super().start(wait)

    def close(self, timeout: float = 1.0) -> None:
        """End the worker now, even mid-render or hung (a render in progress then fails at once)."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
        if self._lock.acquire(timeout=timeout):
            try:
                self._kill()
            finally:
                self._lock.release()


# espeak-ng 1.51 (Debian 12) reads each Mandarin character's tone as an English number ("今 one 天 one",
# espeak-ng issue #1028; its cmn rules were rewritten for 1.52, Debian 13). Its pinyin voice reads tones
# right, so on 1.51 Mandarin goes to it as numbered pinyin (pypinyin; tone sandhi is espeak's).
_MANDARIN = {"cmn", "zh"}
_FIXED_IN = (1, 52)
_PUNCTUATION = str.maketrans({"。": ".", "，": ",", "？": "?", "！": "!", "、": ",", "；": ";", "：": ":"})


def _mandarin_as_pinyin(voice: str) -> bool:
    version = espeak_version()
    return voice.split("+")[0].lower() in _MANDARIN and version is not None and version < _FIXED_IN


def espeak_input(text: str, voice: str) -> tuple[str, str]:
    """What espeak-ng is given to say `text` in `voice`: the same, or on 1.51, Mandarin as numbered pinyin."""
    if not _mandarin_as_pinyin(voice):
        return text, voice
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    return " ".join(syllables).translate(_PUNCTUATION), "cmn-latn-pinyin"


def voice_problem(voice: str) -> str | None:
    """Why this espeak-ng voice must not speak to patients here (None: it may)."""
    if not _mandarin_as_pinyin(voice) or importlib.util.find_spec("pypinyin") is not None:
        return None
    return (
        f"espeak-ng {'.'.join(map(str, espeak_version() or ()))} reads {voice} tones as English numbers "
        "(espeak-ng issue #1028); install pypinyin (the kiosk then speaks Mandarin as pinyin) or espeak-ng 1.52"
    )


_version: list[tuple[int, int] | None] = []


def espeak_version() -> tuple[int, int] | None:
    """espeak-ng's (major, minor), asked once (None: not installed or not understood)."""
    if not _version:
        try:
            major, minor = _espeak_banner().split("text-to-speech:", 1)[1].split()[0].split(".")[:2]
            _version.append((int(major), int("".join(ch for ch in minor if ch.isdigit()))))
        except (IndexError, ValueError):
            _version.append(None)
    return _version[0]


@functools.cache
def _espeak_banner() -> str:
    """What `espeak-ng --version` prints, asked once per process ("" when it is not installed)."""
    try:
        return subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def package_version(name: str) -> str:
    """An installed Python package's version, for cache keys ("missing" when it is not installed)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"
