"""Import the modules named in argv (a package: every module in it) in a fresh interpreter; print which of
the heavy libraries (UI, audio, speech, numpy) came with them."""

from __future__ import annotations

import importlib
import pkgutil
import sys

from tests.support.programs import reply

HEAVY = {"textual", "rich", "vosk", "pyttsx3", "sounddevice", "pocketsphinx", "numpy"}


def main() -> None:
    for name in sys.argv[1:]:
        module = importlib.import_module(name)
        for inner in pkgutil.iter_modules(getattr(module, "__path__", [])):
            importlib.import_module(f"{name}.{inner.name}")
    reply(loaded=sorted(name for name in sys.modules if name.split(".")[0] in HEAVY))


if __name__ == "__main__":
    main()
