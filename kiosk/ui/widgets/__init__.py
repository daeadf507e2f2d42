"""Widgets of the kiosk screen."""

from kiosk.ui.widgets.literal import literal
from kiosk.ui.widgets.message_view import MessageView
from kiosk.ui.widgets.status_bar import StatusBar
from kiosk.ui.widgets.wrapped import Wrapped

__all__ = ["MessageView", "StatusBar", "Wrapped", "literal"]
