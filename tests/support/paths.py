"""Where the repository, its bundled content and the English pack are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
ENGLISH = CONTENT / "en"
