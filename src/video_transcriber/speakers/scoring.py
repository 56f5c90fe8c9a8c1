"""Diarization error rate (DER) and RTTM files: how the bench and the tests score turns.

DER = (missed speech + false alarm + speaker confusion) / scored reference speech, computed on a
10 ms grid, as NIST's md-eval does it:
- a *collar* of `collar` seconds on each side of every reference boundary is not scored
  (md-eval's `-c 0.25`; pyannote.metrics calls the same thing `collar=0.5`, the total width);
- overlapped reference speech (two or more speakers at once) is not scored (`skip_overlap`);
- hypothesis speakers are mapped one-to-one onto reference speakers to maximise the time they
  agree (Hungarian assignment); unmapped hypothesis speech counts as confusion.
Written here rather than taken from pyannote.metrics to keep pandas and pyannote.core out of the
product; on the AMI excerpts, the pyannote sample and two built recordings the two agree within
0.001 (docs/PERFORMANCE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

RESOLUTION = 0.01


@dataclass(frozen=True, slots=True)
class LabelledTurn:
    start: float
    end: float
    speaker: str


@dataclass(frozen=True, slots=True)
class DiarizationError:
    missed: float
    false_alarm: float
    confusion: float
    scored: float
    """Seconds of scored reference speech."""

    @property
    def rate(self) -> float:
        if self.scored == 0:
            return 0.0
        return (self.missed + self.false_alarm + self.confusion) / self.scored


def read_rttm(path: Path) -> list[LabelledTurn]:
    """`SPEAKER <file> 1 <start> <duration> <NA> <NA> <speaker> <NA> <NA>` lines."""
    turns = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[0] == "SPEAKER":
            start, duration = float(fields[3]), float(fields[4])
            turns.append(LabelledTurn(start, start + duration, fields[7]))
    return turns


def write_rttm(turns: Iterable[LabelledTurn], name: str) -> str:
    return "".join(
        f"SPEAKER {name} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> {t.speaker} <NA> <NA>\n"
        for t in turns
    )


def _grid(turns: Sequence[LabelledTurn], speakers: list[str], frames: int) -> np.ndarray:
    grid = np.zeros((len(speakers), frames), dtype=bool)
    for turn in turns:
        first, last = round(turn.start / RESOLUTION), round(turn.end / RESOLUTION)
        grid[speakers.index(turn.speaker), max(0, first) : max(0, min(frames, last))] = True
    return grid


def _scored_frames(reference: Sequence[LabelledTurn], ref: np.ndarray, collar: float) -> np.ndarray:
    scored = ref.sum(axis=0) <= 1
    width = round(collar / RESOLUTION)
    for turn in reference:
        for edge in (turn.start, turn.end):
            centre = round(edge / RESOLUTION)
            scored[max(0, centre - width) : max(0, centre + width)] = False
    return scored


def diarization_error(
    reference: Sequence[LabelledTurn],
    hypothesis: Sequence[LabelledTurn],
    *,
    collar: float = 0.25,
    skip_overlap: bool = True,
) -> DiarizationError:
    """DER parts of `hypothesis` against `reference` (speaker names need not match)."""
    end = max([t.end for t in (*reference, *hypothesis)], default=0.0)
    frames = int(np.ceil(end / RESOLUTION)) + 1
    ref_names = sorted({t.speaker for t in reference})
    hyp_names = sorted({t.speaker for t in hypothesis})
    ref = _grid(reference, ref_names, frames)
    hyp = _grid(hypothesis, hyp_names, frames)
    scored = _scored_frames(reference, ref, collar)
    if not skip_overlap:
        scored |= ref.sum(axis=0) > 1
    ref, hyp = ref[:, scored], hyp[:, scored]
    agree = ref.astype(np.int64) @ hyp.T.astype(np.int64)
    rows, cols = linear_sum_assignment(-agree) if agree.size else ([], [])
    matched = int(agree[rows, cols].sum()) if agree.size else 0
    ref_count, hyp_count = ref.sum(axis=0), hyp.sum(axis=0)
    missed = np.maximum(ref_count - hyp_count, 0).sum()
    false_alarm = np.maximum(hyp_count - ref_count, 0).sum()
    confusion = np.minimum(ref_count, hyp_count).sum() - matched
    return DiarizationError(
        missed=float(missed) * RESOLUTION,
        false_alarm=float(false_alarm) * RESOLUTION,
        confusion=float(confusion) * RESOLUTION,
        scored=float(ref_count.sum()) * RESOLUTION,
    )
