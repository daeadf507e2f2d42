"""Drawing the conversation's prompt on the journey screen: message, hint, answer buttons; speaking it, and
telling the listener which answers are valid now."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from textual.widgets import Button, Static

from kiosk.core.flow import Kind, Prompt
from kiosk.core.intents import decoys
from kiosk.core.model import Content, Text
from kiosk.hearing import Listener
from kiosk.station import logs
from kiosk.ui.host import Host
from kiosk.ui.screens import CONTROL_KEYS, JourneyScreen
from kiosk.ui.widgets import MessageView, StatusBar

log = logging.getLogger("kiosk")

MORE = "more"
LANGUAGE_PREFIX = "language_"
"""A language button's action, and the intent of its phrases (`language_zh: [chinese]` in intents.yaml)."""


class ViewHost(Host, Protocol):
    """What the prompt view reads of the app (it writes none of it)."""

    @property
    def packs(self) -> dict[str, Content]: ...
    @property
    def prompt(self) -> Prompt: ...
    @property
    def journey(self) -> JourneyScreen: ...
    @property
    def listener(self) -> Listener: ...

    def call_after_refresh(self, callback: Callable[..., Any], *args: Any) -> bool: ...


class PromptView:
    def __init__(self, host: ViewHost) -> None:
        self.host = host

    def draw(self) -> None:
        """Draw the host's prompt: progress, message, hint, the controls and the answers."""
        host = self.host
        prompt, content, screen = host.prompt, host.content, host.journey
        short = [f"{prompt.step[0]}/{prompt.step[1]}"] if prompt.step else []
        screen.query_one(StatusBar).set_progress(prompt.progress.show if prompt.progress else "", *short)
        screen.query_one(MessageView).set_message(prompt.title.show, prompt.body.show, self.footer())
        self.hint()
        labels = {i: content.buttons[i].show for i in (*CONTROL_KEYS, "sound")}
        screen.set_controls(labels, prompt.controls, sound=host.speaker.available)
        self.answers(more=False)

    def listen(self) -> frozenset[str]:
        """Listen for the prompt's answers and controls (on the welcome, the languages); return them."""
        host = self.host
        content = host.content
        valid = {i: content.intents[i] for i in (*host.prompt.intents, *self.languages()) if i in content.intents}
        host.listener.listen(valid, host.language, decoys(content.intents, valid))
        logs.trace("screen %s", host.prompt.kind.value)  # the kind only, and only when tracing: a patient's path
        return frozenset(valid)

    def footer(self) -> str:
        """The line that closes a message: on a tip, the disclaimer (on the tip's last page, so a small
        panel spends its rows on the advice, and the patient still reads it with every tip)."""
        prompt = self.host.prompt
        if prompt.kind is Kind.READBACK and prompt.progress is not None:
            return self.host.content.texts["disclaimer"].show
        return ""

    def hint(self, text: str | None = None) -> None:
        """The line under the message: `text`, or the screen's own hint."""
        host = self.host
        if text is None:
            text = host.prompt.hint.show if host.prompt.hint else ""
        hint = host.journey.query_one("#hint", Static)
        hint.update(text)
        hint.display = bool(text)  # no empty row: a small panel needs every row for the message

    def answers(self, more: bool) -> None:
        """The answer buttons: the prompt's (on the welcome, also the other languages), or "More" while the
        message has more pages (on the welcome beside them: a patient must find Start and their language)."""
        host = self.host
        more_label = host.content.buttons[MORE].show
        buttons = [(intent, label.show) for intent, label in host.prompt.answers]
        buttons += [(action, host.packs[code].name) for action, code in self.languages().items()]
        if more and host.prompt.kind is Kind.WELCOME:
            buttons.append((MORE, more_label))  # Start and the languages stay on every page
        elif more and host.prompt.kind is not Kind.READBACK:
            buttons = [(MORE, more_label)]
        host.journey.set_answers(buttons)
        host.call_after_refresh(self._focus_first)

    def languages(self) -> dict[str, str]:
        """On the welcome screen, the other languages offered: {action: code}, in the configured order."""
        host = self.host
        if host.prompt.kind is not Kind.WELCOME:
            return {}
        return {f"{LANGUAGE_PREFIX}{code}": code for code in host.packs if code != host.language}

    def label(self, action: str) -> Text:
        """The words on the button of `action`: an answer, a language, or a control."""
        code = self.languages().get(action)
        if code is not None:
            return Text.same(self.host.packs[code].name)
        buttons = self.host.content.buttons
        return dict(self.host.prompt.answers).get(action) or buttons.get(action) or Text.same(action)

    def paged(self, has_more: bool) -> None:
        """The message view found (or no longer finds) more pages: "More" replaces the answers, or goes."""
        if has_more != (MORE in self.host.journey.answer_actions):
            self.answers(more=has_more)

    def _focus_first(self) -> None:
        journey = self.host.journey
        buttons = journey.answer_buttons()
        if buttons:
            buttons[0].focus()
        else:
            enabled = [b for b in journey.query(Button) if not b.disabled]
            if enabled:
                enabled[0].focus()
