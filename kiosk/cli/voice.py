"""`alt-kiosk recognize`, `model` and `say`: speech in and out for staff, admins and benchmarks."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from kiosk.cli.common import BUNDLED_CONTENT, content_dir
from kiosk.core.loader import load_all
from kiosk.core.problems import InvalidFiles
from kiosk.settings import Settings


def cmd_recognize(args: argparse.Namespace) -> int:
    import json
    import time

    from kiosk.voice.audio import AudioFileError, read_wav
    from kiosk.voice.recognizer import RecognizerUnavailable, make_recognizer
    from kiosk.voice.understand import Bar, hear_recording

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
        heard = hear_recording(
            recognizer, samples, rate, intents, pack.filler, Bar.of(pack), decoys(pack.intents, intents)
        )
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
    from kiosk.voice import models

    folder = Path(args.models_dir) if args.models_dir else Settings(BUNDLED_CONTENT).models_dir
    try:
        if args.action == "list":
            installed = {m.name: m for m in models.installed_models(folder)}
            for known in models.manifest(folder).values():
                state = "installed" if known.name in installed else "not installed"
                print(f"{known.name}  [{known.language}]  {known.size / 1e6:.1f} MB  {state}")
            for name, model in installed.items():
                if name not in models.manifest(folder):
                    print(f"{name}  [{model.language}]  installed from a local source")
            return 0
        if args.action == "install":
            model = models.install(args.source, folder, args.lang)
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

    from kiosk.settings import default_cache_dir
    from kiosk.voice.audio import write_wav
    from kiosk.voice.base import VOLUME_STEPS_DB
    from kiosk.voice.cache import PromptCache
    from kiosk.voice.player import PlaybackError, Player
    from kiosk.voice.speaker import VoiceSpeaker, sentences
    from kiosk.voice.synth import SynthesisError, voice_problem

    voice = args.lang  # with no content for that language, the code is the espeak-ng voice
    with contextlib.suppress(InvalidFiles, KeyError):
        voice = load_all(content_dir(args.content))[args.lang].voice
    problem = voice_problem(voice)
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
        if args.to:
            write_wav(Path(args.to), np.concatenate([c.samples for c in clips]), clips[0].rate)
            print(f"wrote {args.to}: {sum(c.seconds for c in clips):.2f} s at {clips[0].rate} Hz")
        else:
            speaker.player.play(clips, VOLUME_STEPS_DB[args.volume])
        return 0
    except (SynthesisError, PlaybackError, OSError) as err:
        print(f"say: {err}", file=sys.stderr)
        return 1
    finally:
        speaker.close()
