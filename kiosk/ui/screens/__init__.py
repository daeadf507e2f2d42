"""Screens of the kiosk."""

from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.journey import CONTROL_KEYS, JourneyScreen

__all__ = ["CONTROL_KEYS", "IdleScreen", "JourneyScreen"]
