"""Small programs the tests run in a fresh interpreter of their own (so a crash, a kill or a device they
open cannot touch the test process), kept as files so that ruff and mypy check them.

Each takes its parameters as one JSON argument and prints one JSON line (`tests.support.audio_env.run_program`).
"""

from __future__ import annotations

import json
import sys
from typing import Any


def params() -> dict[str, Any]:
    """The program's parameters: its one JSON argument."""
    value: dict[str, Any] = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    return value


def reply(**fields: Any) -> None:
    """The program's result: one JSON line on stdout."""
    print(json.dumps(fields), flush=True)
