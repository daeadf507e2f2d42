"""Widgets of the kiosk screen."""

from kiosk.ui.widgets.message_view import MessageView
from kiosk.ui.widgets.status_bar import StatusBar

__all__ = ["MessageView", "StatusBar"]
