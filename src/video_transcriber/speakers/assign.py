"""Speakers onto the transcript: every segment gets one speaker, split where the speaker changes.

Each word is given the speaker whose turn covers most of it (the nearest turn when it falls in
a gap, as words at the edges of speech often do); runs of words with one speaker become one
segment, so no segment spans two speakers. A segment without word timings gets the speaker who
talks most within it. Names are "Speaker 1", "Speaker 2", ... in order of first appearance;
people rename them afterwards (`PATCH /api/jobs/{id}/speakers`).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace

from video_transcriber.domain import Segment, Word
from video_transcriber.speakers.turns import SpeakerTurn

MAX_SPEAKERS = 20


def speaker_name(number: int) -> str:
    """0 → "Speaker 1"."""
    return f"Speaker {number + 1}"


@dataclass(frozen=True, slots=True)
class SpeakerRequest:
    """What a job asked for: find the number of speakers (`count` None) or use `count`."""

    count: int | None = None


def parse_request(value: str | int | None) -> SpeakerRequest | None:
    """ "auto" → find out, "3" → three, None/"off"/"" → no diarization; ValueError otherwise."""
    text = str(value).strip().lower() if value is not None else ""
    if text in ("", "off", "none", "false", "0"):
        return None
    if text == "auto":
        return SpeakerRequest()
    if text.isdigit() and 1 <= int(text) <= MAX_SPEAKERS:
        return SpeakerRequest(int(text))
    raise ValueError(
        f"speakers must be 'auto', 'off' or a number from 1 to {MAX_SPEAKERS}, not {value!r}"
    )


class _Timeline:
    def __init__(self, turns: Sequence[SpeakerTurn]) -> None:
        self._turns = sorted(turns, key=lambda t: t.start)
        self._starts = [t.start for t in self._turns]

    def speaker(self, start: float, end: float) -> int | None:
        """Who talks most within [start, end], or the nearest turn's speaker."""
        if not self._turns:
            return None
        first = max(0, bisect.bisect_right(self._starts, start) - 1)
        shares: dict[int, float] = {}
        for turn in self._turns[first:]:
            if turn.start > end:
                break
            shared = min(end, turn.end) - max(start, turn.start)
            if shared > 0:
                shares[turn.speaker] = shares.get(turn.speaker, 0.0) + shared
        if shares:
            return max(shares, key=shares.__getitem__)
        nearby = self._turns[max(0, first - 1) : first + 2]
        middle = (start + end) / 2
        return min(nearby, key=lambda t: max(t.start - middle, middle - t.end, 0.0)).speaker


def _pieces(segment: Segment, timeline: _Timeline) -> list[Segment]:
    if not segment.words:
        who = timeline.speaker(segment.start, segment.end)
        return [replace(segment, speaker=None if who is None else speaker_name(who))]
    runs: list[tuple[int | None, list[Word]]] = []
    for word in segment.words:
        who = timeline.speaker(word.start, word.end)
        if runs and runs[-1][0] == who:
            runs[-1][1].append(word)
        else:
            runs.append((who, [word]))
    if len(runs) == 1:
        who = runs[0][0]
        return [replace(segment, speaker=None if who is None else speaker_name(who))]
    pieces = []
    for index, (who, words) in enumerate(runs):
        start = segment.start if index == 0 else words[0].start
        end = segment.end if index == len(runs) - 1 else words[-1].end
        pieces.append(
            replace(
                segment,
                start=start,
                end=max(start, end),
                text="".join(w.text for w in words).strip(),
                words=tuple(words),
                speaker=None if who is None else speaker_name(who),
            )
        )
    return pieces


def assign_speakers(segments: Sequence[Segment], turns: Sequence[SpeakerTurn]) -> list[Segment]:
    """`segments` with a speaker each, split at word timings where the speaker changes."""
    timeline = _Timeline(turns)
    return [piece for segment in segments for piece in _pieces(segment, timeline)]


def rename(segments: Sequence[Segment], old: str, new: str) -> tuple[list[Segment], int]:
    """Segments with speaker `old` called `new`, and how many changed."""
    changed = 0
    out = []
    for segment in segments:
        if segment.speaker == old:
            segment = replace(segment, speaker=new)
            changed += 1
        out.append(segment)
    return out, changed
