"""Cleaning an utterance heard over a steady noise (a fan, an air conditioner, distant traffic), where RNNoise
is not installed (`kiosk.hearing.rnnoise` cleans the stream instead, and hears more answers); and telling a
steady room from talk and quiet, which both use.

A Wiener filter with decision-directed smoothing (Ephraim and Malah): the noise's spectrum comes from the
utterance's own first `NOISE_MS` (its pre-roll: the room just before the patient spoke), each 32 ms frame
keeps what stands over it, and the smoothing keeps the "musical" remains of plain spectral subtraction
from sounding like speech to the recogniser.

Only for a steady room (`is_steady`): on background talk the first 200 ms are no picture of what comes
next, and cleaning cost answers. The gain floor decides how much of the room is left: lower, and the
recogniser hears the filter's own warble as sounds. Measurements: docs/calibration.md.
"""

from __future__ import annotations

import numpy as np

RATE = 16000
WINDOW = 512  # 32 ms
HOP = WINDOW // 2
NOISE_MS = 200
SMOOTHING = 0.9  # weight of the last frame's clean estimate in this frame's a-priori SNR
FLOOR_GAIN = 0.2  # never below -14 dB: what the recogniser hears of the room stays natural
STEADY_SPREAD_DB = 5.5
"""A room is steady when the middle half of its 20 ms levels lies within this (pink noise: 2.7 to 5.4 dB;
people talking: 5.8 to 18 dB, from 8 up in three cases out of four; a quiet room is never cleaned)."""


def is_steady(levels_db: list[float], floor_db: float) -> bool:
    """Whether a room heard at these 20 ms levels (dBFS) is a steady noise worth cleaning: loud enough to
    be heard at all (median over `floor_db`) and nearly as loud from one moment to the next."""
    if len(levels_db) < 10:
        return False
    low, middle, high = np.percentile(levels_db, (25, 50, 75))
    return bool(middle > floor_db and high - low <= STEADY_SPREAD_DB)


def wiener(audio: np.ndarray) -> np.ndarray:
    """The utterance (16 kHz int16) with the steady noise of its first NOISE_MS taken out."""
    samples = audio.astype(np.float64)
    starts = range(0, len(samples) - WINDOW + 1, HOP)
    noise_frames = max(1, NOISE_MS * RATE // 1000 // HOP)
    if len(starts) <= noise_frames:
        return audio  # nothing but the room's own sound
    window = np.hanning(WINDOW)
    spectra = np.fft.rfft(np.stack([samples[s : s + WINDOW] * window for s in starts]), axis=1)
    power = np.abs(spectra) ** 2
    noise = np.maximum(power[:noise_frames].mean(axis=0), 1e-9)
    gains = np.empty_like(power)
    last_clean = np.ones(power.shape[1])  # the last frame's clean power over the noise
    for t, frame in enumerate(power):
        posterior = frame / noise
        prior = SMOOTHING * last_clean + (1 - SMOOTHING) * np.maximum(posterior - 1, 0)
        gains[t] = np.maximum(prior / (1 + prior), FLOOR_GAIN)
        last_clean = gains[t] ** 2 * posterior
    frames = np.fft.irfft(spectra * gains, WINDOW, axis=1) * window
    out, weight = np.zeros(len(samples)), np.zeros(len(samples))
    for s, frame in zip(starts, frames, strict=True):
        out[s : s + WINDOW] += frame
        weight[s : s + WINDOW] += window**2
    covered = weight > 1e-6
    out[covered] /= weight[covered]
    out[~covered] = samples[~covered]  # the last few ms no window reached
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)
