"""Audio and speech: real recognisers and voices (PocketSphinx, Vosk, espeak-ng, Piper, RNNoise) and ALSA."""
