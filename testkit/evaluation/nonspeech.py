"""Synthetic sound with no speech in it: noise, mains hum, music and drums, for checking that a
transcriber stays silent where nobody talks.

`noise_and_music` strings seeded sections of a few seconds together with short cross-fades:
ventilation (pink noise), rumble (brown noise), a 50 Hz hum with its harmonics, chords of
harmonic tones with note envelopes, a drum pattern (a swept-sine kick, noise-burst snares and
hi-hats), music and drums together, and a quiet room. Levels are what a lecture recording
carries between talks (-45 to -20 dBFS), over a room-tone floor, never digital zeros.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from testkit.evaluation.conditions import (
    at_rms,
    band_pass,
    brown_noise,
    fade,
    pink_noise,
    with_gain,
)
from video_transcriber.domain import SAMPLE_RATE

SECTION_SECONDS = (8.0, 16.0)
"""Length of each section, drawn uniformly."""
FLOOR_DBFS = -68.0
_CROSSFADE_SECONDS = 0.5
_CHORDS = ((0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12))
"""I-V-vi-IV as semitones above the key note."""

Section = Callable[[int, np.random.Generator], np.ndarray]


def _times(count: int) -> np.ndarray:
    return np.arange(count) / SAMPLE_RATE


def ventilation(count: int, rng: np.random.Generator) -> np.ndarray:
    return at_rms(pink_noise(count, rng), float(rng.uniform(-42, -32)))


def rumble(count: int, rng: np.random.Generator) -> np.ndarray:
    return at_rms(brown_noise(count, rng), float(rng.uniform(-36, -28)))


def hum(count: int, rng: np.random.Generator) -> np.ndarray:
    """Mains hum: 50 Hz and odd harmonics, slightly wavering, over light pink noise."""
    t = _times(count)
    wobble = 0.3 * np.sin(2 * np.pi * 0.2 * t)
    tone = sum(np.sin(2 * np.pi * k * (50 + wobble) * t) / k for k in (1, 3, 5, 7))
    floor = at_rms(pink_noise(count, rng), -55)
    return at_rms(np.asarray(tone), float(rng.uniform(-45, -35))) + floor


def _note(frequency: float, count: int) -> np.ndarray:
    """A harmonic tone with a fast attack and an exponential decay."""
    t = _times(count)
    tone = sum(np.sin(2 * np.pi * k * frequency * t) * 0.6**k for k in range(1, 7))
    envelope = np.minimum(1.0, t / 0.01) * np.exp(-2.5 * t)
    return np.asarray(tone * envelope)


def chords(count: int, rng: np.random.Generator) -> np.ndarray:
    """A chord progression in a random key, one chord per bar, with a bass note."""
    key = 220.0 * 2 ** (int(rng.integers(-5, 6)) / 12)
    bar = round(float(rng.uniform(1.2, 2.0)) * SAMPLE_RATE)
    out = np.zeros(count)
    for number, first in enumerate(range(0, count, bar)):
        length = min(bar, count - first)
        chord = _CHORDS[number % len(_CHORDS)]
        notes = [key * 2 ** (step / 12) for step in chord] + [key / 2 * 2 ** (chord[0] / 12)]
        out[first : first + length] = sum(_note(f, length) for f in notes)
    return at_rms(out, float(rng.uniform(-26, -20)))


def drums(count: int, rng: np.random.Generator) -> np.ndarray:
    """Kick on beats 1 and 3, snare on 2 and 4, hi-hat on every eighth, at 90-130 bpm."""
    beat = round(60 / float(rng.uniform(90, 130)) * SAMPLE_RATE)
    t = _times(beat)
    kick = np.sin(2 * np.pi * np.cumsum(50 + 90 * np.exp(-t / 0.03)) / SAMPLE_RATE)
    kick *= np.exp(-t / 0.12)
    snare = band_pass(rng.standard_normal(beat), 200, 6000) * np.exp(-t / 0.06)
    hat = band_pass(rng.standard_normal(beat // 2), 6000, 7900) * np.exp(-t[: beat // 2] / 0.015)
    out = np.zeros(count + beat)
    for number, first in enumerate(range(0, count, beat)):
        out[first : first + beat] += kick if number % 2 == 0 else 0.7 * snare
        for half in (first, first + beat // 2):
            out[half : half + len(hat)] += 0.3 * hat
    return at_rms(out[:count], float(rng.uniform(-28, -22)))


def band(count: int, rng: np.random.Generator) -> np.ndarray:
    """Chords and drums together."""
    return chords(count, rng) + with_gain(drums(count, rng), -4)


def quiet_room(count: int, rng: np.random.Generator) -> np.ndarray:
    return at_rms(pink_noise(count, rng), float(rng.uniform(-62, -55)))


SECTIONS: tuple[Section, ...] = (ventilation, rumble, hum, chords, drums, band, quiet_room)


def noise_and_music(seconds: float, seed: int = 0) -> np.ndarray:
    """`seconds` of seeded non-speech sections (each section once before any repeats), cross-
    faded, over a pink room-tone floor at `FLOOR_DBFS`."""
    rng = np.random.default_rng(seed)
    total = round(seconds * SAMPLE_RATE)
    overlap = round(_CROSSFADE_SECONDS * SAMPLE_RATE)
    out = at_rms(pink_noise(total, rng), FLOOR_DBFS).astype(np.float64)
    cursor, order = 0, list[int]()
    while cursor < total:
        if not order:
            order = [int(i) for i in rng.permutation(len(SECTIONS))]
        length = round(float(rng.uniform(*SECTION_SECONDS)) * SAMPLE_RATE)
        piece = fade(SECTIONS[order.pop()](length, rng), _CROSSFADE_SECONDS)[: total - cursor]
        out[cursor : cursor + len(piece)] += piece
        cursor += length - overlap
    return np.clip(out, -1.0, 1.0).astype(np.float32)
