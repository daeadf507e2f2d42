"""The speech layer: the interfaces the UI talks to, and their implementations."""

from kiosk.voice.base import Decision, Heard, Listener, SilentListener, SilentSpeaker, Speaker, VoiceState, settle

__all__ = ["Decision", "Heard", "Listener", "SilentListener", "SilentSpeaker", "Speaker", "VoiceState", "settle"]
