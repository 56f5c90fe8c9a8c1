"""Lectures built for robustness: real utterances, each under one acoustic condition, laid out
with dense, short and long pauses over a room-tone floor, written as a real media file.

A `LectureRecipe` names the length, the seed, the conditions to deal out and the mix of pause
styles. Building is seeded and reproducible:

* clips come in a shuffled order, reshuffled on every pass through the list;
* conditions are dealt in shuffled rounds, so every condition gets its share;
* pauses come in stretches of 3-6 utterances of one style: `dense` (0.1-0.4 s, a speaker who
  does not stop), `short` (0.5-1.5 s) or `long` (2-5 s);
* every utterance is first set to a speaking level of -24..-18 dBFS (active speech), then
  given its condition (`apply_condition`), then placed;
* a pink-noise floor at -70..-65 dBFS runs under the whole lecture, speech included, as in any
  real room: the stretches between utterances are quiet, never digital zeros.

Each `PlacedUtterance` keeps its clip, condition, the drawn parameters, its span in the file
(a reverberant utterance's span includes its decaying tail) and its reference, so benchmarks
can score each condition and cut every processed utterance out of the file on its own.

The lecture is rendered in memory (float32: 4 MB a minute) and then encoded; it is meant for
benchmark lengths of minutes, not hours.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from testkit.evaluation import conditions as fx
from testkit.evaluation.corpus import Clip
from testkit.evaluation.lecture import (
    CONTAINERS,
    ContainerSpec,
    MediaWriter,
    clip_samples,
)
from video_transcriber.domain import SAMPLE_RATE

CONDITIONS = ("clean", "quiet", "pink noise", "babble", "telephone", "reverberant")
PAUSE_SECONDS: dict[str, tuple[float, float]] = {
    "dense": (0.1, 0.4),
    "short": (0.5, 1.5),
    "long": (2.0, 5.0),
}
SPEECH_LEVEL_DBFS = (-24.0, -18.0)
QUIET_GAIN_DB = (-40.0, -30.0)
NOISE_SNR_DB = (5.0, 12.0)
BABBLE_TALKERS = (4, 6)
RT60_SECONDS = (0.5, 0.8)
DIRECT_TO_REVERBERANT_DB = (-3.0, 3.0)
FLOOR_DBFS = (-70.0, -65.0)
STRETCH_UTTERANCES = (3, 6)
_TAIL_SECONDS = 1.0
"""Floor left after the last utterance."""
MONO_MP4 = replace(CONTAINERS["mp4"], layout="mono")
"""MP4 with H.264 + AAC like the other bench lectures, but mono AAC: a mono signal written as
stereo comes back from FFmpeg's down-mix 3 dB lower, and these lectures are about levels."""


@dataclass(frozen=True, slots=True)
class LectureRecipe:
    """What to build: length, seed, the conditions dealt out and the weights of pause styles."""

    seconds: float
    seed: int = 0
    conditions: tuple[str, ...] = CONDITIONS
    pause_styles: Mapping[str, float] = field(
        default_factory=lambda: {"dense": 0.4, "short": 0.4, "long": 0.2}
    )


@dataclass(frozen=True, slots=True)
class PlacedUtterance:
    """One utterance of a built lecture: where it is, what was done to it, what was said."""

    index: int
    clip: str
    condition: str
    detail: str
    """The drawn parameters, e.g. "gain -34.1 dB" or "babble x5 at 7.2 dB SNR"."""
    start: float
    end: float
    pause_before: float
    reference: str


@dataclass(frozen=True, slots=True)
class ConditionedLecture:
    """A built lecture file with its floor level and every utterance's placement."""

    path: Path
    duration: float
    floor_dbfs: float
    utterances: tuple[PlacedUtterance, ...]

    @property
    def reference(self) -> str:
        return " ".join(u.reference for u in self.utterances)

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if k != "path"}
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, path: Path, text: str) -> ConditionedLecture:
        data: dict[str, Any] = json.loads(text)
        placed = tuple(PlacedUtterance(**item) for item in data["utterances"])
        return cls(Path(path), data["duration"], data["floor_dbfs"], placed)


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(*bounds))


def apply_condition(
    condition: str,
    speech: np.ndarray,
    rng: np.random.Generator,
    others: Sequence[np.ndarray] = (),
) -> tuple[np.ndarray, str]:
    """`speech` under `condition` (one of `CONDITIONS`), and a note of the drawn parameters.
    `others` are the voices babble is made of (other utterances, never this one)."""
    if condition == "clean":
        return speech, "as recorded"
    if condition == "quiet":
        gain = _uniform(rng, QUIET_GAIN_DB)
        return fx.with_gain(speech, gain), f"gain {gain:.1f} dB"
    if condition == "pink noise":
        snr = _uniform(rng, NOISE_SNR_DB)
        noise = fx.fade(fx.pink_noise(len(speech), rng), 0.05)
        return fx.mix_at_snr(speech, noise, snr), f"pink noise at {snr:.1f} dB SNR"
    if condition == "babble":
        if not others:
            raise ValueError("babble needs other utterances to make the crowd from")
        count = min(len(others), int(rng.integers(BABBLE_TALKERS[0], BABBLE_TALKERS[1] + 1)))
        talkers = [others[i] for i in rng.choice(len(others), size=count, replace=False)]
        snr = _uniform(rng, NOISE_SNR_DB)
        noise = fx.fade(fx.babble(talkers, len(speech), rng), 0.05)
        return fx.mix_at_snr(speech, noise, snr), f"babble x{count} at {snr:.1f} dB SNR"
    if condition == "telephone":
        return fx.telephone(speech), "300-3400 Hz, 8 kHz mu-law"
    if condition == "reverberant":
        rt60 = _uniform(rng, RT60_SECONDS)
        drr = _uniform(rng, DIRECT_TO_REVERBERANT_DB)
        room = fx.room_impulse_response(rt60, rng, direct_to_reverberant_db=drr)
        return fx.reverberate(speech, room), f"RT60 {rt60:.2f} s, DRR {drr:.1f} dB"
    raise ValueError(f"unknown condition {condition!r}; choose from {CONDITIONS}")


def _cycled(items: Sequence[Any], rng: np.random.Generator) -> Iterator[Any]:
    """`items` in shuffled rounds, reshuffled every round."""
    while True:
        yield from (items[i] for i in rng.permutation(len(items)))


def _pause_styles(weights: Mapping[str, float], rng: np.random.Generator) -> Iterator[str]:
    names = sorted(weights)
    chance = np.array([weights[n] for n in names], dtype=float)
    while True:
        style = names[int(rng.choice(len(names), p=chance / chance.sum()))]
        low, high = STRETCH_UTTERANCES
        yield from itertools.repeat(style, int(rng.integers(low, high + 1)))


def render(
    clips: Sequence[Clip], recipe: LectureRecipe
) -> tuple[np.ndarray, float, list[PlacedUtterance]]:
    """The lecture's samples, its floor level and its utterances (see the module docstring)."""
    if not clips:
        raise ValueError("a lecture needs at least one clip")
    rng = np.random.default_rng(recipe.seed)
    raw = {c.name: clip_samples(c) for c in clips}
    order, dealt = _cycled(list(clips), rng), _cycled(recipe.conditions, rng)
    styles = _pause_styles(recipe.pause_styles, rng)
    target = round(recipe.seconds * SAMPLE_RATE)
    floor = _uniform(rng, FLOOR_DBFS)
    audio = fx.at_rms(fx.pink_noise(target, rng), floor)
    placed: list[PlacedUtterance] = []
    cursor, misses = 0, 0
    while misses < 2 * len(clips):
        clip, condition = next(order), next(dealt)
        pause = _uniform(rng, PAUSE_SECONDS[next(styles)])
        speech = fx.at_speech_level(raw[clip.name], _uniform(rng, SPEECH_LEVEL_DBFS))
        others = [raw[c.name] for c in clips if c.name != clip.name]
        processed, detail = apply_condition(condition, speech, rng, others)
        first = cursor + round(pause * SAMPLE_RATE)
        if first + len(processed) + _TAIL_SECONDS * SAMPLE_RATE > target:
            misses += 1
            continue
        audio[first : first + len(processed)] += processed
        cursor = first + len(processed)
        start, end = first / SAMPLE_RATE, cursor / SAMPLE_RATE
        placed.append(
            PlacedUtterance(
                len(placed), clip.name, condition, detail, start, end, pause, clip.reference
            )
        )
    return np.clip(audio, -1.0, 1.0), floor, placed


def write_samples(samples: np.ndarray, out: Path, spec: ContainerSpec = MONO_MP4) -> float:
    """Encode 16 kHz mono `samples` to `out` (with a small video track where the container has
    one); returns the written duration in seconds."""
    with MediaWriter(Path(out), spec, video=True) as writer:
        writer.write(samples)
        return writer.samples_written / SAMPLE_RATE


def build_conditioned_lecture(
    clips: Sequence[Clip], recipe: LectureRecipe, out: Path, spec: ContainerSpec = MONO_MP4
) -> ConditionedLecture:
    """Render `recipe` from `clips` and write it to `out` (MP4 with H.264 + AAC by default)."""
    samples, floor, placed = render(clips, recipe)
    duration = write_samples(samples, out, spec)
    return ConditionedLecture(Path(out), duration, floor, tuple(placed))
