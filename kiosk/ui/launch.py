"""Starting the kiosk from the command line: content, voice, then the UI."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from kiosk.core.flow import spoken_texts
from kiosk.core.model import Content
from kiosk.hearing import Listener, SilentListener
from kiosk.speaking import SilentSpeaker, Speaker
from kiosk.station import logs
from kiosk.station.content_store import ContentState, ContentStore
from kiosk.station.notify import Notifier
from kiosk.station.settings import Settings

if TYPE_CHECKING:
    from kiosk.hearing.recognizer import Recognizer
    from kiosk.speech.farend import FarEnd

log = logging.getLogger("kiosk")

CLOSE_SECONDS = 0.4
"""What closing the sound devices may add to an exit (the rest of the 1 s is the UI's)."""


def make_speaker(settings: Settings, packs: dict[str, Content], far: FarEnd | None = None) -> Speaker:
    """The kiosk's voice, with every prompt rendered ahead in the background; silent when muted."""
    if not settings.sound:
        return SilentSpeaker()
    from kiosk.speaking.cache import PromptCache
    from kiosk.speaking.player import Player
    from kiosk.speaking.speaker import VoiceSpeaker
    from kiosk.speaking.synth import voice_problem
    from kiosk.speaking.voices import Voice, choose_all

    voices: dict[str, Voice] = {}
    chosen = choose_all(settings.voice, packs, settings.models_dir)
    for code, (voice, why) in chosen.items():
        if why:
            log.error("%s; speaking with %s", why, voice.spec)
        problem = voice_problem((voice.fallback or voice).name)
        if problem and voice.fallback is not None:
            log.warning("speech for %s: no fallback voice: %s", code, problem)
            voice = replace(voice, fallback=None)
        elif problem:
            log.error("speech for %s off: %s", code, problem)  # patients see "sound is off" in that language
            continue
        voices[code] = voice
        log.info("speech output for %s: %s", code, voice.spec)
    speaker = VoiceSpeaker(
        voices,
        PromptCache(settings.cache_dir),
        player=Player(settings.output_device, far),
        volume_step=settings.volume_step,
        rate=settings.rate,
    )
    speaker.prepare(spoken_texts({code: packs[code] for code in voices}, settings.idle_warning_seconds))
    return speaker


def make_recognizers(settings: Settings, packs: dict[str, Content]) -> dict[str, Recognizer]:
    """A recogniser for every language whose engine can run here; reasons for the others in the log."""
    from kiosk.hearing.engines import make_recognizer
    from kiosk.hearing.recognizer import RecognizerUnavailable

    recognizers: dict[str, Recognizer] = {}
    for code, pack in packs.items():
        choice = settings.speech_engine.get(code, "auto")
        try:
            recognizer = make_recognizer(code, choice, settings.models_dir)
        except (RecognizerUnavailable, OSError) as err:
            log.error("voice input for %s is off: %s", code, err)
            continue
        if recognizer is None:
            log.info("voice input for %s is off (%s)", code, choice)
            continue
        missing = recognizer.missing_words([p for phrases in pack.intents.values() for p in phrases])
        if missing:
            log.error(
                "voice input %s (%s): words not in the model, never heard: %s",
                code,
                recognizer.engine,
                ", ".join(missing),
            )
        recognizers[code] = recognizer
        log.info("voice input for %s: %s", code, recognizer.engine)
    return recognizers


def make_listener(
    settings: Settings,
    packs: dict[str, Content],
    far: FarEnd | None = None,
    stop_speaking: Callable[[], None] = lambda: None,
) -> Listener:
    """Voice input, listening from the configured microphone; models load in its own thread.

    With `far` (what the speaker plays) and the `barge_in` setting, it also listens while the kiosk
    speaks, and calls `stop_speaking` when a patient answers over a prompt."""
    if all(settings.speech_engine.get(code, "auto") == "off" for code in packs):
        return SilentListener()
    from kiosk.hearing.barge_in import BargeIn
    from kiosk.hearing.listener import MicListener
    from kiosk.hearing.understand import Bar

    listener = MicListener(
        lambda: make_recognizers(settings, packs),
        {c: p.filler for c, p in packs.items()},
        {c: Bar.of(p) for c, p in packs.items()},
        settings.input_device,
        BargeIn(far, settings.barge_in and settings.sound) if far is not None else None,
    )
    listener.set_interrupt(stop_speaking)
    return listener


def run(
    settings: Settings, store: ContentStore, state: ContentState, reload_settings: Callable[[], Settings] | None = None
) -> int:
    """Run the kiosk until SIGTERM (or ctrl+q outside kiosk mode); the exit code for the shell or systemd.

    Logging is set up already (kiosk.station.logs.setup), before the content was read.
    """
    logs.capture_stderr()
    from kiosk.speech.farend import FarEnd
    from kiosk.ui.app import KioskApp

    far = FarEnd()
    speaker = make_speaker(settings, state.packs, far)
    listener = make_listener(settings, state.packs, far, speaker.stop)
    app = KioskApp(
        settings,
        state.packs,
        speaker=speaker,
        listener=listener,
        store=store,
        notifier=Notifier(),
        reload_settings=reload_settings,
    )
    app.updates.adopt(state)
    try:
        app.run()
    finally:
        close_voice(speaker, listener)
    return app.return_code or 0


def close_voice(speaker: Speaker, listener: Listener) -> None:
    """Silence the speaker, close the microphone and end the speech worker, within CLOSE_SECONDS."""
    deadline = time.monotonic() + CLOSE_SECONDS
    speaker.stop()
    listener.close(timeout=0)
    close = getattr(speaker, "close", None)
    if callable(close):
        close(timeout=CLOSE_SECONDS / 2)
    listener.close(timeout=max(0.0, deadline - time.monotonic()))
    from kiosk.speech.worker import Worker

    Worker.kill_all()  # PocketSphinx's phone loop, and any worker a close above could not reach
