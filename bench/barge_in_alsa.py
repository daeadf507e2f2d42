"""Benchmark: a patient answers over a question on the real audio path. The real kiosk (barge-in on)
plays through ALSA's file device and records from a FIFO that the room rig of
tests/support/programs/barge_in_kiosk.py fills in real time with its own voice (the echo `delay` late,
`level` dB against the patient, `drift` ppm fast) and the answer, said 3 s into the question that follows
the welcome and three questions answered by touch (the canceller learns the room meanwhile).

Per case, of `runs` tries: how often the kiosk stopped the question and moved on at once, how often it
stopped to ask "Did you mean No?" and moved on when the patient said it again, how often it did neither
(read the question to its end, or asked about a wrong answer), the time from the answer's start to the
question's last sound, and the canceller's own ERLE at the end.

    .venv/bin/python bench/barge_in_alsa.py [--runs 5] [--case N ...]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.table import print_rows
from tests.speech.test_barge_in_alsa import ASOUNDRC
from tests.support.audio_env import run_program

CASES = [
    ("no", 20, 0.0, 0.0),
    ("not really", 20, 0.0, 0.0),
    ("no", 20, -6.0, 0.0),
    ("no", 300, 6.0, 0.0),
    ("no", 150, 0.0, 50.0),
]


def once(answer: str, delay_ms: int, level_db: float, drift_ppm: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / ".asoundrc").write_text(ASOUNDRC.format(folder=folder))
        os.mkfifo(folder / "heard.fifo")
        case = {"folder": name, "delay_ms": delay_ms, "level_db": level_db, "drift_ppm": drift_ppm}
        params = {**case, "warm_questions": 3, "answer": answer, "answer_after_s": 3}
        return run_program("barge_in_kiosk", params, folder, timeout=180)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--case", type=int, action="append", help="only these cases (1 = the first row)")
    args = parser.parse_args()
    rows = [
        ["answer", "echo vs patient", "delay", "drift", "moved on", "asked, moved on", "neither", "stop p50", "ERLE"]
    ]
    for answer, delay_ms, level_db, drift_ppm in [c for i, c in enumerate(CASES, 1) if i in (args.case or [i])]:
        results = [once(answer, delay_ms, level_db, drift_ppm) for _ in range(args.runs)]
        kept = [r for r in results if not r["fifo_ran_dry"]]  # a starved rig is not the room meant
        at_once = [r for r in kept if r["moved"] is True and r["asked"] is None]
        asked = [r for r in kept if r["moved"] is True and r["asked"] == "no"]
        stops = [float(str(r["stopped_after_answer_s"])) for r in at_once + asked]
        erle = [m.group(1) for r in results if (m := re.search(r"(\d+) dB quieter", str(r["barge_in"])))]
        rows.append(
            [
                answer,
                f"{level_db:+.0f} dB",
                f"{delay_ms} ms",
                f"{drift_ppm:.0f} ppm",
                f"{len(at_once)} of {len(kept)}",
                f"{len(asked)} of {len(kept)}",
                f"{len(kept) - len(at_once) - len(asked)} of {len(kept)}",
                f"{statistics.median(stops):.2f} s" if stops else "-",
                "/".join(erle) + " dB",
            ]
        )
        print_rows(rows)
        print()


if __name__ == "__main__":
    main()
