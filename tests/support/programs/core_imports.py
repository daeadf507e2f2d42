"""Import every module of kiosk.core in a fresh interpreter; print which UI, audio or speech libraries
came with them (there must be none)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import kiosk.core as core
from tests.support.programs import reply

FORBIDDEN = {"textual", "rich", "vosk", "pyttsx3", "sounddevice", "pocketsphinx"}


def main() -> None:
    for module in pkgutil.iter_modules(core.__path__):
        importlib.import_module(f"kiosk.core.{module.name}")
    reply(loaded=sorted(name for name in sys.modules if name.split(".")[0] in FORBIDDEN))


if __name__ == "__main__":
    main()
