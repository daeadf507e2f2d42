"""The speech layer: the interfaces the UI talks to, and their implementations."""

from kiosk.voice.base import Heard, Listener, SilentListener, SilentSpeaker, Speaker, VoiceState

__all__ = ["Heard", "Listener", "SilentListener", "SilentSpeaker", "Speaker", "VoiceState"]
