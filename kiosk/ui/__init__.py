"""The full-screen Textual kiosk."""
