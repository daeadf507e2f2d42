"""Shared fixtures: the bundled content and broken copies of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kiosk.core.flow import Conversation
from kiosk.core.loader import load_language
from kiosk.core.model import Content
from tests.support.paths import ENGLISH

if TYPE_CHECKING:
    from kiosk.hearing.engines.sphinx import PocketSphinxRecognizer


@pytest.fixture(scope="session")
def english() -> Content:
    return load_language(ENGLISH)


@pytest.fixture(scope="session")
def conversation(english: Content) -> Conversation:
    return Conversation(english)


@pytest.fixture(scope="session")
def pocketsphinx() -> PocketSphinxRecognizer:
    """The real PocketSphinx recogniser with its US-English model, loaded once for every test."""
    from kiosk.hearing.engines.sphinx import PocketSphinxRecognizer

    return PocketSphinxRecognizer()


@pytest.fixture
def content_copy(tmp_path: Path) -> Callable[..., Path]:
    """Copy the bundled English pack to tmp and optionally edit one file by text replacement."""

    def make(file: str | None = None, old: str = "", new: str = "", raw: bytes | None = None) -> Path:
        target = tmp_path / "en"
        if not target.exists():
            shutil.copytree(ENGLISH, target)
        if file is not None:
            path = target / file
            if raw is not None:
                path.write_bytes(raw)
            else:
                text = path.read_text(encoding="utf-8")
                assert old in text, f"test setup: {old!r} not in {file}"
                path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return target

    return make


@pytest.fixture
def private_dirs(tmp_path: Path) -> dict[str, str]:
    """Empty home, temp and XDG folders for the kiosk, to prove it writes nothing there."""
    dirs = {name: tmp_path / name for name in ("home", "tmp", "cache", "state", "data", "config")}
    for path in dirs.values():
        path.mkdir()
    return {
        "HOME": str(dirs["home"]),
        "TMPDIR": str(dirs["tmp"]),
        "XDG_CACHE_HOME": str(dirs["cache"]),
        "XDG_STATE_HOME": str(dirs["state"]),
        "XDG_DATA_HOME": str(dirs["data"]),
        "XDG_CONFIG_HOME": str(dirs["config"]),
    }
