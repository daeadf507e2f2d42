"""Drawing the conversation's prompt on the journey screen: message, hint, answer buttons; speaking it, and
telling the listener which answers are valid now."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from textual.widgets import Button, Static

from kiosk.core.flow import Kind
from kiosk.core.intents import decoys
from kiosk.core.model import Text
from kiosk.station import logs
from kiosk.ui.screens import CONTROL_KEYS
from kiosk.ui.widgets import MessageView, StatusBar

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger("kiosk")

MORE = "more"
LANGUAGE_PREFIX = "language_"
"""A language button's action, and the intent of its phrases (`language_zh: [chinese]` in intents.yaml)."""


class PromptView:
    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self._ready_sent = False

    def show(self, first: bool = False) -> None:
        app = self.app
        content = app.packs[app.language]
        app.prompt = prompt = app.conversation.prompt(app.session)
        screen = app.journey
        short = [f"{prompt.step[0]}/{prompt.step[1]}"] if prompt.step else []
        screen.query_one(StatusBar).set_progress(prompt.progress.show if prompt.progress else "", *short)
        app.voice.refresh()
        screen.query_one(MessageView).set_message(prompt.title.show, prompt.body.show, self.footer())
        self.hint()
        labels = {i: content.buttons[i].show for i in (*CONTROL_KEYS, "sound")}
        screen.set_controls(labels, prompt.controls, sound=app.speaker.available)
        self.answers(more=False)
        app.shown_at = -1e9 if first else app.clock()
        app.voice.new_screen()
        self.speak()
        valid = {i: content.intents[i] for i in (*prompt.intents, *self.languages()) if i in content.intents}
        app.hearable = frozenset(valid)
        app.listener.listen(valid, app.language, decoys(content.intents, valid))
        logs.trace("screen %s", prompt.kind.value)  # the kind only, and only when tracing: it shows a patient's path
        if not self._ready_sent:
            self._ready_sent = True
            app.call_after_refresh(app.notifier.ready, app.status_line())

    def footer(self) -> str:
        """The line that closes a message: on a tip, the disclaimer (on the tip's last page, so a small
        panel spends its rows on the advice, and the patient still reads it with every tip)."""
        app = self.app
        if app.prompt.kind is Kind.READBACK and app.prompt.progress is not None:
            return app.packs[app.language].texts["disclaimer"].show
        return ""

    def hint(self, text: str | None = None) -> None:
        """The line under the message: `text`, or the screen's own hint."""
        app = self.app
        if text is None:
            text = app.prompt.hint.show if app.prompt.hint else ""
        hint = app.journey.query_one("#hint", Static)
        hint.update(text)
        hint.display = bool(text)  # no empty row: a small panel needs every row for the message

    def answers(self, more: bool) -> None:
        """The answer buttons: the prompt's (on the welcome, also the other languages), or "More" while the
        message has more pages (on the welcome beside them: a patient must find Start and their language)."""
        app = self.app
        content = app.packs[app.language]
        buttons = [(intent, label.show) for intent, label in app.prompt.answers]
        buttons += [(action, app.packs[code].name) for action, code in self.languages().items()]
        if more and app.prompt.kind is Kind.WELCOME:
            buttons.append((MORE, content.buttons[MORE].show))  # Start and the languages stay on every page
        elif more and app.prompt.kind is not Kind.READBACK:
            buttons = [(MORE, content.buttons[MORE].show)]
        app.journey.set_answers(buttons)
        app.call_after_refresh(self._focus_first)

    def languages(self) -> dict[str, str]:
        """On the welcome screen, the other languages offered: {action: code}, in the configured order."""
        app = self.app
        if app.prompt.kind is not Kind.WELCOME:
            return {}
        return {f"{LANGUAGE_PREFIX}{code}": code for code in app.packs if code != app.language}

    def label(self, action: str) -> Text:
        """The words on the button of `action`: an answer, a language, or a control."""
        app = self.app
        code = self.languages().get(action)
        if code is not None:
            return Text.same(app.packs[code].name)
        content = app.packs[app.language]
        return dict(app.prompt.answers).get(action) or content.buttons.get(action) or Text.same(action)

    def paged(self, has_more: bool) -> None:
        """The message view found (or no longer finds) more pages: "More" replaces the answers, or goes."""
        if has_more != (MORE in self.app.journey.answer_actions):
            self.answers(more=has_more)

    def speak(self) -> None:
        app = self.app
        text = app.prompt.spoken
        app.spoken.append(text)
        app.speaker.speak(text, app.language)

    def _focus_first(self) -> None:
        journey = self.app.journey
        buttons = journey.answer_buttons()
        if buttons:
            buttons[0].focus()
        else:
            enabled = [b for b in journey.query(Button) if not b.disabled]
            if enabled:
                enabled[0].focus()
