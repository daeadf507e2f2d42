"""The interfaces the voice layers plug into: what the screen shows while speaking and listening."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.core.flow import Kind
from kiosk.core.loader import load_all
from kiosk.hearing import Heard
from kiosk.station.settings import Settings
from kiosk.ui.app import KioskApp
from kiosk.ui.widgets import StatusBar
from tests.support.fakes import RecordingSpeaker, ScriptedListener
from tests.support.kiosk_driver import keys, screen_text, tap
from tests.support.paths import CONTENT


def voiced_app(**overrides: float) -> tuple[KioskApp, RecordingSpeaker, ScriptedListener]:
    speaker, listener = RecordingSpeaker(), ScriptedListener()
    settings = Settings(CONTENT, tap_guard_seconds=0.0, **overrides)  # type: ignore[arg-type]
    return KioskApp(settings, load_all(CONTENT), speaker, listener), speaker, listener


async def test_every_screen_is_spoken_and_a_tap_stops_speech() -> None:
    app, speaker, listener = voiced_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert speaker.said[0].startswith("Liver test helper. Your blood test showed a high A L T.")
        assert "Listening" in screen_text(app)
        speaker.on_speaking(True)
        await pilot.pause()
        assert "Speaking" in screen_text(app)
        stops = speaker.stops
        await tap(pilot, "Start")
        assert speaker.stops > stops
        assert speaker.said[-1].startswith("Do you have any of these now?")
        assert set(listener.grammars[-1]) == {"yes", "no", "unsure", "repeat", "back", "restart", "help", "stop"}
        assert "i'm not sure" in listener.grammars[-1]["unsure"]
        assert "continue" in listener.decoys[-1] and "yes" not in listener.decoys[-1]  # other answers, to reject


async def test_a_heard_answer_acts_like_the_tap_and_is_shown() -> None:
    app, _, listener = voiced_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listener.on_heard(Heard("start", "next", 1.0))
        await pilot.pause()
        listener.on_heard(Heard("nope", "no", 1.0))
        await pilot.pause()
        assert app.session.answers == {"warning_signs": "no"}
        assert "Heard: nope" in screen_text(app)


async def test_not_understood_twice_suggests_tapping() -> None:
    app, speaker, listener = voiced_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1")
        listener.on_heard(Heard("banana", None, 0.0))
        await pilot.pause()
        assert speaker.said[-1].startswith("Sorry, I didn't catch that. Do you have any")
        listener.on_heard(Heard("purple", None, 0.0))
        await pilot.pause()
        assert speaker.said[-1].startswith("Sorry, I didn't catch that. You can also tap a button on the screen.")
        assert app.prompt.kind is Kind.QUESTION and app.session.answers == {}


async def test_an_intent_not_valid_here_does_nothing() -> None:
    app, _, listener = voiced_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listener.on_heard(Heard("go back", "back", 1.0))  # nothing to go back to on the welcome
        await pilot.pause()
        assert app.prompt.kind is Kind.WELCOME


async def test_idle_warning_is_spoken_and_still_here_continues() -> None:
    # 1 s of quiet, not less: on a busy machine two key presses can take a few hundred ms, and the warning
    # must come after the answer (it came first once on a fresh CI machine with 0.3 s).
    app, speaker, listener = voiced_app(idle_seconds=1.0, idle_warning_seconds=5.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await keys(pilot, "1", "2")
        await pilot.pause(1.5)
        assert speaker.said[-1].startswith("Are you still there?")
        listener.on_heard(Heard("I'm still here", None, 0.0))
        await pilot.pause()
        assert "Are you still there?" not in screen_text(app)
        assert app.session.answers == {"warning_signs": "no"}


async def test_language_choice_and_wipe_back_to_the_default(tmp_path: Path) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    spanish = tmp_path / "content" / "es"
    shutil.copytree(tmp_path / "content" / "en", spanish)
    lang = (spanish / "language.yaml").read_text().replace("code: en", "code: es").replace("English", "Español")
    safety = "safety:\n  disclaimer_says: [does not diagnose]\n  forbidden: [tienes cáncer]\n"  # a new language brings its own
    (spanish / "language.yaml").write_text(lang + safety)
    screens = (spanish / "screens.yaml").read_text().replace("title: Liver test helper", "title: Ayuda hepática")
    (spanish / "screens.yaml").write_text(screens)
    app = KioskApp(Settings(tmp_path / "content", tap_guard_seconds=0.0), load_all(tmp_path / "content"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Liver test helper" in screen_text(app) and "2 Español" in screen_text(app)
        await tap(pilot, "Español")
        assert "Ayuda hepática" in screen_text(app) and "2 English" in screen_text(app)
        await keys(pilot, "1", "2", "8")  # start, answer, start over: the session is wiped
        assert app.language == "en" and "Liver test helper" in screen_text(app)


async def test_sound_panel_on_every_screen_and_reset_when_wiped() -> None:
    app, speaker, _ = voiced_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        for _ in range(2):
            await keys(pilot, "5")
            assert "Volume 4 of 5" in screen_text(app)
            await keys(pilot, "1")  # louder
            assert "Volume 5 of 5" in screen_text(app) and speaker.settings == (4, "normal")
            assert speaker.said[-1].startswith("Volume 5 of 5")
            await keys(pilot, "1")  # already loudest
            assert speaker.settings == (4, "normal")
            await keys(pilot, "3")  # slower
            assert speaker.settings == (4, "slow") and "3 Faster" in screen_text(app)
            await keys(pilot, "4")  # done
            assert "Volume" not in screen_text(app)
            await keys(pilot, "1", "2")  # on through the questions; the sound panel works there too
            assert app.prompt.kind is Kind.QUESTION
            await keys(pilot, "8")  # start over: this patient's sound settings are forgotten
            assert speaker.settings == (3, "normal")


async def test_softer_by_tap_and_the_sound_mark_when_sound_breaks() -> None:
    app, speaker, _ = voiced_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await tap(pilot, "Sound")
        await tap(pilot, "Softer")
        await pilot.pause(0.25)  # a second tap on the same button, a moment later
        await tap(pilot, "Softer")
        assert speaker.settings == (1, "normal") and "Volume 2 of 5" in screen_text(app)
        await tap(pilot, "Done")
        speaker.available = False
        await pilot.pause(0.4)
        assert "Sound is off." in screen_text(app) and "5 Sound" not in screen_text(app)
        speaker.available = True
        await pilot.pause(0.4)
        assert "Sound is off." not in screen_text(app) and "5 Sound" in screen_text(app)


# Probably right: "Did you mean ...? Tap it, or say it again." ------------------------------


def guessed(app: KioskApp) -> list[str]:
    """The labels of the buttons highlighted as the kiosk's guess."""
    return [str(b.label) for b in app.screen.query(".-guess").results(Button)]


async def on_second_question(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await keys(pilot, "1", "2")  # Start; "No" to the warning signs: the alcohol question
    assert app_of(pilot).prompt.kind is Kind.QUESTION and app_of(pilot).session.answers == {"warning_signs": "no"}


def app_of(pilot: Pilot[None]) -> KioskApp:
    assert isinstance(pilot.app, KioskApp)
    return pilot.app


async def test_a_probable_answer_is_confirmed_by_saying_it_again() -> None:
    app, speaker, listener = voiced_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_second_question(pilot)
        listener.on_heard(Heard("not sure", "unsure", 0.45, sure=False))
        await pilot.pause()
        assert speaker.said[-1] == "Did you mean Not sure? Tap it, or say it again."
        assert guessed(app) == ["3 Not sure"] and isinstance(app.focused, Button)
        assert str(app.focused.label) == "3 Not sure"  # Enter on a number pad confirms it too
        assert 'Did you mean "Not sure"? Tap it, or say it again.' in screen_text(app)
        assert app.session.answers == {"warning_signs": "no"}  # nothing acted on yet
        listener.on_heard(Heard("i don't know", "unsure", 0.4, sure=False))  # the same answer, again: act
        await pilot.pause()
        assert app.session.answers == {"warning_signs": "no", "alcohol": "unsure"}
        assert guessed(app) == [] and "Did you mean" not in screen_text(app)


async def test_a_probable_answer_is_confirmed_by_tapping_it() -> None:
    app, speaker, listener = voiced_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_second_question(pilot)
        listener.on_heard(Heard("yeah", "yes", 0.9, sure=False, contested=frozenset({"no"})))  # "no" fits too
        await pilot.pause()
        assert speaker.said[-1] == "Did you mean Yes? Tap it, or say it again."
        assert guessed(app) == ["1 Yes"]
        await tap(pilot, "Yes")
        assert app.session.answers == {"warning_signs": "no", "alcohol": "yes"}
        assert guessed(app) == []


async def test_a_different_second_hearing_starts_over() -> None:
    app, speaker, listener = voiced_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_second_question(pilot)
        listener.on_heard(Heard("yes", "yes", 0.4, sure=False))
        await pilot.pause()
        assert guessed(app) == ["1 Yes"]
        listener.on_heard(Heard("no", "no", 0.4, sure=False))  # another answer: a new guess, not an answer
        await pilot.pause()
        assert guessed(app) == ["2 No"] and speaker.said[-1] == "Did you mean No? Tap it, or say it again."
        assert app.session.answers == {"warning_signs": "no"}
        listener.on_heard(Heard("banana", None, 0.0))  # not an answer: the guess is dropped
        await pilot.pause()
        assert guessed(app) == [] and speaker.said[-1].startswith("Sorry, I didn't catch that.")
        assert "Did you mean" not in screen_text(app)  # and its question with it
        torn = Heard("no", "no", 0.4, sure=False, contested=frozenset({"yes"}))
        listener.on_heard(torn)  # asked about afresh, not acted on
        await pilot.pause()
        assert app.session.answers == {"warning_signs": "no"} and guessed(app) == ["2 No"]
        listener.on_heard(replace(torn, text="nope"))  # torn between the same answers again: ask again
        await pilot.pause()
        assert app.session.answers == {"warning_signs": "no"} and guessed(app) == ["2 No"]
        listener.on_heard(Heard("no", "no", 0.9))  # sure: act
        await pilot.pause()
        assert app.session.answers == {"warning_signs": "no", "alcohol": "no"}


async def test_a_control_can_be_the_guess_and_a_guess_ends_with_its_screen() -> None:
    app, speaker, listener = voiced_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_second_question(pilot)
        listener.on_heard(Heard("go back", "back", 0.4, sure=False))
        await pilot.pause()
        assert guessed(app) == ["7 Back"] and speaker.said[-1] == "Did you mean Back? Tap it, or say it again."
        await keys(pilot, "1")  # the patient answers Yes by key instead
        assert guessed(app) == [] and app.session.answers == {"warning_signs": "no", "alcohol": "yes"}
        listener.on_heard(Heard("go back", "back", 0.4, sure=False))  # the old guess is gone: ask again
        await pilot.pause()
        assert app.session.answers == {"warning_signs": "no", "alcohol": "yes"} and guessed(app) == ["7 Back"]


async def test_speech_that_starts_as_the_kiosk_stops_is_no_crash() -> None:
    """The speaker and the listener tell the app from their own threads. Told as the kiosk stops (seen
    on the ALSA rig: the next question, after an answer said over a prompt), the message may be handled
    after the widgets are gone, and must not end the kiosk with an error."""
    app, speaker, listener = voiced_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app._running = False  # Textual's shutdown marks the app stopped, then takes its widgets down
        await app.journey.query_one(StatusBar).remove()
        speaker.on_speaking(True)
        listener.on_heard(Heard("no", "no", 1.0))
        await pilot.pause()
        assert app.session.answers == {}
        app._running = True
