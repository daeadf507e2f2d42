"""Hearing: the microphone to an answer. The `Listener` the UI talks to, the front end that finds an
utterance in the sound (endpoint, denoise, rnnoise), and the recognisers that match it to the screen's
answers (kiosk.hearing.engines)."""

from kiosk.hearing.base import Decision, Heard, Listener, SilentListener, settle

__all__ = ["Decision", "Heard", "Listener", "SilentListener", "settle"]
