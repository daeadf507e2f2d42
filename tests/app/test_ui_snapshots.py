"""SVG snapshots of every screen at 60x20 and 100x30, in English and Chinese (update with
`scripts/test --snapshot-update`)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.kiosk_driver import SCREENS, make_app, staff_pin_hash

ACTIVE_LOOK_S = 0.2  # how long a pressed Button keeps its "-active" look (Button.active_effect_duration)


def walk_to(screen: str) -> Any:
    """Press the keys to a screen, then wait until the last pressed button no longer looks pressed.

    The sound panel opens over the screen whose "5 Sound" button was just pressed; taken at once, the
    snapshot caught that button's 0.2 s pressed look or not, by the machine's speed.
    """

    async def run(pilot: Any) -> None:
        await pilot.pause()  # the welcome screen takes keys once it is up (snap_compare's `press` waits so too)
        await pilot.press(*SCREENS[screen])
        await pilot.pause(ACTIVE_LOOK_S + 0.1)

    return run


@pytest.mark.parametrize("size", [(60, 20), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare: Any, screen: str, size: tuple[int, int]) -> None:
    assert snap_compare(
        make_app(voiced=True, admin_pin_hash=staff_pin_hash()), terminal_size=size, run_before=walk_to(screen)
    )


@pytest.mark.parametrize("size", [(60, 20), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_chinese_screen(snap_compare: Any, screen: str, size: tuple[int, int]) -> None:
    app = make_app(voiced=True, admin_pin_hash=staff_pin_hash(), language="zh")
    assert snap_compare(app, terminal_size=size, run_before=walk_to(screen))


@pytest.mark.parametrize("size", [(60, 20), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_idle_warning(snap_compare: Any, size: tuple[int, int]) -> None:
    now = [0.0]

    async def wait_for_warning(pilot: Any) -> None:
        now[0] = 60.5  # a frozen clock: 19.5 s of the warning left, always shown as 20
        await pilot.pause(0.5)

    app = make_app(voiced=True, clock=lambda: now[0])
    assert snap_compare(app, terminal_size=size, press=["1"], run_before=wait_for_warning)
