"""What every helper of the app may read of it (the language in use, its pack, the speaker) and how it
tells the app something: a message. Each helper's own Protocol adds the few other things it reads."""

from __future__ import annotations

from typing import Protocol

from textual.message import Message

from kiosk.core.model import Content
from kiosk.speaking import Speaker


class Host(Protocol):
    @property
    def content(self) -> Content: ...
    @property
    def language(self) -> str: ...
    @property
    def speaker(self) -> Speaker: ...

    def post_message(self, message: Message) -> bool: ...
