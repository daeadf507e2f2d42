"""Render one sentence with a Piper voice, with TMPDIR and the cache pointed at `home`; list what was
written there. Parameters: home, voice (a piper:NAME spec), out (the WAV to write)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.programs import params, reply


def main() -> None:
    p = params()
    home = Path(p["home"])
    os.environ.update(TMPDIR=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    from kiosk.speaking.render import Renderer  # after the environment: onnxruntime reads it on import
    from kiosk.speaking.voices import choose

    voice, _ = choose("en", p["voice"], "en-us", Path("models"))
    renderer = Renderer({"en": voice})
    renderer.render("Hello.", voice, "normal", Path(p["out"]))
    renderer.close()
    reply(written=sorted(str(path) for path in home.rglob("*")))


if __name__ == "__main__":
    main()
