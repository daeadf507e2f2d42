"""The Debian 13 touch stack's root, built (debootstrap) and mounted once a session for every test that
runs something on it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.touch_stack import StackUnavailable, debian13_root, install_kiosk, mounted


@pytest.fixture(scope="session")
def stack_root() -> Iterator[Path]:
    try:
        root = debian13_root()
        with mounted(root):
            install_kiosk(root)
            yield root
    except StackUnavailable as err:
        if os.environ.get("CI"):
            pytest.fail(f"the touch stack must run in CI: {err}")
        pytest.skip(f"the touch stack cannot run here: {err}")
