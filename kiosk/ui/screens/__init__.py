"""Screens of the kiosk."""

from kiosk.ui.screens.admin import AdminAction, AdminScreen, PinScreen
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.journey import CONTROL_KEYS, SOUND_KEY, JourneyScreen
from kiosk.ui.screens.sound import SoundScreen

__all__ = [
    "CONTROL_KEYS",
    "SOUND_KEY",
    "AdminAction",
    "AdminScreen",
    "IdleScreen",
    "JourneyScreen",
    "PinScreen",
    "SoundScreen",
]
