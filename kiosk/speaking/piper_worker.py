"""Child process that renders text to WAV files with one Piper voice (argv: voice model, reply pipe).

Same protocol and lifetime as the pyttsx3 worker (kiosk.speech.worker_process.serve): Piper loads an
ONNX model of ~60 MB and runs it with onnxruntime, so a crash, a hang or its ~200 MB stay out of the
kiosk's own process. Requests: {"text", "path", "length_scale"}.
"""

from __future__ import annotations

import json
import os
import sys
import wave
from typing import Any

from kiosk.speech.worker_process import WAV_HEADER, Render, serve

THREADS = 1
"""onnxruntime threads: one core renders, the other stays with the UI and the microphone."""


def _start() -> Render:
    # onnxruntime's official Linux builds send usage telemetry to Microsoft over HTTPS and keep a device
    # identifier (a `.ses` file in TMPDIR, a database under XDG_CACHE_HOME) unless this is set before it
    # starts. Nothing may leave a kiosk, and nothing may be written at run time (the services have no
    # network either: PrivateNetwork=yes).
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    import onnxruntime
    from piper import PiperVoice, SynthesisConfig
    from piper.config import PiperConfig

    model = sys.argv[1]
    with open(model + ".json", encoding="utf-8") as file:
        config = PiperConfig.from_dict(json.load(file))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
    voice = PiperVoice(session=session, config=config)
    base = config.length_scale

    def render(request: dict[str, Any]) -> None:
        synthesis = SynthesisConfig(length_scale=base * float(request.get("length_scale", 1.0)))
        with wave.open(request["path"], "wb") as out:
            voice.synthesize_wav(str(request["text"]), out, syn_config=synthesis)
        if os.path.getsize(request["path"]) <= WAV_HEADER:
            raise RuntimeError("Piper wrote no audio")

    return render


def main() -> None:
    serve(_start)


if __name__ == "__main__":
    main()
