"""The kiosk's core: content, conversation flow and intents.

Nothing here imports Textual, an audio library or a speech engine, and nothing
here does I/O except `kiosk.core.loader`, which reads content files.
"""
