"""Speaker turns: labelled windows → who spoke from when to when, and the one-speaker test.

Within a speech span, consecutive windows with the same label form one turn; where the label
changes, the turn boundary is put halfway between the two windows' centres (windows overlap, so
that is where the evidence changes hands). A window whose neighbours on both sides agree on
another speaker is taken as a slip and relabelled (a change of speaker for less than one step
is not resolvable at this window size). Spans are never joined: silence stays silence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from video_transcriber.domain import SpeechSpan
from video_transcriber.speakers.windows import Window


@dataclass(frozen=True, slots=True)
class SpeakerTurn:
    """One speaker talking without a pause or change (absolute seconds)."""

    start: float
    end: float
    speaker: int
    """0 for the first voice heard, 1 for the next, ..."""

    @property
    def duration(self) -> float:
        return self.end - self.start


def smooth(labels: np.ndarray, windows: Sequence[Window]) -> np.ndarray:
    """Relabel single windows whose both neighbours, in the same span, agree on another label."""
    out = labels.copy()
    for i in range(1, len(labels) - 1):
        same_span = windows[i - 1].span == windows[i].span == windows[i + 1].span
        if same_span and labels[i - 1] == labels[i + 1] != labels[i]:
            out[i] = labels[i - 1]
    return out


def to_turns(
    spans: Sequence[SpeechSpan], windows: Sequence[Window], labels: np.ndarray
) -> list[SpeakerTurn]:
    """Turns covering every span that has windows, in time order."""
    turns: list[SpeakerTurn] = []
    i = 0
    while i < len(windows):
        span = spans[windows[i].span]
        start = span.start
        j = i
        while j + 1 < len(windows) and windows[j + 1].span == windows[i].span:
            j += 1
            if labels[j] != labels[j - 1]:
                cut = (windows[j - 1].centre + windows[j].centre) / 2
                turns.append(SpeakerTurn(start, cut, int(labels[j - 1])))
                start = cut
        turns.append(SpeakerTurn(start, span.end, int(labels[j])))
        i = j + 1
    return turns


def talk_time(turns: Sequence[SpeakerTurn]) -> dict[int, float]:
    """Seconds each speaker talks, most first."""
    totals: dict[int, float] = {}
    for turn in turns:
        totals[turn.speaker] = totals.get(turn.speaker, 0.0) + turn.duration
    return dict(sorted(totals.items(), key=lambda item: -item[1]))
