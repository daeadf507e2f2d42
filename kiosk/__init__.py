"""alt-kiosk: an offline, voice-capable waiting-room assistant for patients with a high ALT."""

__version__ = "0.1.0"
