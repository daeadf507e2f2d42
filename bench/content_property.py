"""The long run of the content property (tests/support/content_property.py): random text in every
patient-facing field kind is refused with file:line:column or drawn literally by the real app; a fault is
a screen that failed to draw. Prints cases, outcomes, faults and the time.

    python bench/content_property.py --cases 300
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.table import print_rows  # noqa: E402
from tests.support.content_property import FIELDS, TEXTS, verdict  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()
    outcomes: Counter[tuple[str, str]] = Counter()
    faults: list[str] = []

    @settings(max_examples=args.cases, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(text=TEXTS, field=st.sampled_from(sorted(FIELDS)))
    def run(text: str, field: str) -> None:
        outcome, problems = verdict(text, field)
        outcomes[(field, outcome)] += 1
        if outcome == "fault":
            faults.append(f"{field}: {text!r}: {problems[0] if problems else 'no problem named'}")

    started = time.monotonic()
    run()
    took = time.monotonic() - started
    rows = [["field", "cases", "refused", "drawn literally", "faults"]]
    for field in sorted(FIELDS):
        counts = {o: outcomes[(field, o)] for o in ("refused", "rendered", "fault")}
        rows.append(
            [field, str(sum(counts.values())), str(counts["refused"]), str(counts["rendered"]), str(counts["fault"])]
        )
    total = sum(outcomes.values())
    print_rows(rows)
    print(f"{total} cases in {took:.0f} s ({took / max(total, 1):.2f} s a case), {len(faults)} faults")
    print("\n".join(faults))


if __name__ == "__main__":
    main()
