"""Subtitle cues from segments: wrapped to at most two lines of ~42 characters, timed, never empty.

A segment too long for one two-line cue becomes several cues. Their boundaries come from word
timestamps when the segment has one word per whitespace token (faster-whisper's usual shape),
otherwise from the share of characters before the cut — speech rate is steady enough over a
few seconds for that to land within a word or two. The cues of one segment are contiguous, so
the subtitle never blinks off mid-segment.

Times are in integer milliseconds (rounded, not truncated). Every cue ends after it starts: a
zero-length segment gets `MIN_CUE_MS`, shortened if the next cue starts sooner; a cue that runs
into the next one is trimmed back to the next one's start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from video_transcriber.domain import Segment
from video_transcriber.formats.timecode import to_milliseconds
from video_transcriber.insights.stream import clean_text

MAX_LINE_CHARS = 42
"""Netflix/BBC guideline width of one subtitle line."""
MAX_LINES = 2
MIN_CUE_MS = 500
"""Display time given to a segment whose end is not after its start."""


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle: start and end in milliseconds and 1-2 lines of raw (unescaped) text."""

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    speaker: str | None = None
    """Who says it, when the transcript has speakers."""
    new_speaker: bool = False
    """The speaker differs from the previous cue's (SRT prefixes the name only then)."""


def build_cues(
    segments: Sequence[Segment],
    *,
    max_line_chars: int = MAX_LINE_CHARS,
    max_lines: int = MAX_LINES,
) -> list[Cue]:
    """Cues for every segment with text, in order, with valid timing."""
    cues: list[Cue] = []
    previous: str | None = None
    for segment in segments:
        for cue in _segment_cues(segment, max_line_chars, max_lines):
            changed = segment.speaker is not None and segment.speaker != previous
            cues.append(replace(cue, speaker=segment.speaker, new_speaker=changed))
            previous = segment.speaker
    return _fix_timing(cues)


def wrap_tokens(tokens: Sequence[str], width: int) -> list[tuple[int, int]]:
    """Greedy line wrap: (first, last-exclusive) token ranges; an over-long word gets a line."""
    lines: list[tuple[int, int]] = []
    first, length = 0, 0
    for index, token in enumerate(tokens):
        added = len(token) if index == first else length + 1 + len(token)
        if index > first and added > width:
            lines.append((first, index))
            first, added = index, len(token)
        length = added
    if tokens:
        lines.append((first, len(tokens)))
    return lines


def _segment_cues(segment: Segment, width: int, max_lines: int) -> list[Cue]:
    tokens = clean_text(segment.text).split()
    if not tokens:
        return []
    lines = wrap_tokens(tokens, width)
    blocks = [lines[i : i + max_lines] for i in range(0, len(lines), max_lines)]
    cuts = [block[0][0] for block in blocks[1:]]
    times = _cut_times(segment, tokens, cuts)
    starts = [to_milliseconds(segment.start), *times]
    ends = [*times, to_milliseconds(segment.end)]
    return [
        Cue(start, end, tuple(" ".join(tokens[a:b]) for a, b in block))
        for start, end, block in zip(starts, ends, blocks, strict=True)
    ]


def _cut_times(segment: Segment, tokens: Sequence[str], cuts: Sequence[int]) -> list[int]:
    """Milliseconds at which each cut token starts being spoken."""
    words = [w for w in segment.words if w.text.strip()]
    if len(words) == len(tokens):
        return [to_milliseconds(words[cut].start) for cut in cuts]
    total = sum(len(t) + 1 for t in tokens)
    duration = max(0.0, segment.end - segment.start)
    times = []
    for cut in cuts:
        before = sum(len(t) + 1 for t in tokens[:cut])
        times.append(to_milliseconds(segment.start + duration * before / total))
    return times


def _fix_timing(cues: Sequence[Cue]) -> list[Cue]:
    fixed: list[Cue] = []
    for index, cue in enumerate(cues):
        start, end = cue.start_ms, cue.end_ms
        if fixed:
            start = max(start, fixed[-1].start_ms)
        if end <= start:
            end = start + MIN_CUE_MS
        following = cues[index + 1].start_ms if index + 1 < len(cues) else None
        if following is not None and start < following < end:
            end = following
        fixed.append(replace(cue, start_ms=start, end_ms=max(end, start + 1)))
    return fixed
