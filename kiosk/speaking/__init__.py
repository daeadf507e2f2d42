"""Speaking: a prompt to sound. The `Speaker` the UI talks to, the voices to choose from (espeak-ng
through pyttsx3, Piper), rendering to WAV ahead of time with a cache, and playing it."""

from kiosk.speaking.base import RATES, VOLUME_LEVELS, SilentSpeaker, Speaker, clamp_volume_step

__all__ = ["RATES", "VOLUME_LEVELS", "SilentSpeaker", "Speaker", "clamp_volume_step"]
