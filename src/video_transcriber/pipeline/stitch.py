"""Chunk results → one transcript's segments, in time order (pure).

Results arrive in completion order, so they are first sorted by chunk index. Chunks are cut in
silence and never overlap, but the decoder can still repeat the last sentence of one chunk at the
start of the next when a pause was short, and it can report times a few hundredths of a second
outside its chunk. So at each chunk edge an exact repeat of the previous segment (same text,
touching in time) is merged into it, and every segment is clamped so starts never go backwards,
no segment begins before the previous one ends, and all times lie inside `[0, duration]`.
Repeats *inside* a chunk are left alone: a lecturer may really say "thank you" twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from video_transcriber.domain import ChunkResult, Segment, Word

EDGE_TOLERANCE_SECONDS = 1.0
"""A repeat at a chunk edge counts as a duplicate if it starts within this long of the previous
segment's end."""


def stitch(results: Iterable[ChunkResult], *, duration: float) -> list[Segment]:
    """The segments of all results in time order, deduplicated at chunk edges and clamped."""
    segments: list[Segment] = []
    for result in sorted(results, key=lambda item: item.chunk_index):
        at_edge = True
        for raw in result.segments:
            if not raw.text.strip():
                continue
            floor = segments[-1].end if segments else 0.0
            segment = clamp(raw, floor=floor, duration=duration)
            if at_edge and segments and is_edge_duplicate(segments[-1], raw):
                segments[-1] = replace(segments[-1], end=max(segments[-1].end, segment.end))
            else:
                segments.append(segment)
            at_edge = False
    return segments


def is_edge_duplicate(previous: Segment, current: Segment) -> bool:
    """Same words (ignoring case and spacing) and starting where the previous one ends."""
    same_text = _key(previous.text) == _key(current.text)
    return same_text and current.start <= previous.end + EDGE_TOLERANCE_SECONDS


def clamp(segment: Segment, *, floor: float, duration: float) -> Segment:
    """`segment` moved inside `[floor, duration]` with `start <= end`; its words likewise."""
    start = min(max(segment.start, floor, 0.0), duration)
    end = min(max(segment.end, start), duration)
    words = _clamp_words(segment.words, start, end)
    if (start, end, words) == (segment.start, segment.end, segment.words):
        return segment
    return replace(segment, start=start, end=end, words=words)


def _clamp_words(words: tuple[Word, ...], start: float, end: float) -> tuple[Word, ...]:
    out: list[Word] = []
    floor = start
    for word in words:
        word_start = min(max(word.start, floor), end)
        word_end = min(max(word.end, word_start), end)
        out.append(
            word
            if (word_start, word_end) == (word.start, word.end)
            else replace(word, start=word_start, end=word_end)
        )
        floor = word_start
    return tuple(out)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def main_language(results: Iterable[ChunkResult], fallback: str) -> str:
    """The language most segments were transcribed in; `fallback` when nothing was said."""
    votes: Counter[str] = Counter()
    for result in results:
        if result.language:
            votes[result.language] += max(1, len(result.segments))
    return votes.most_common(1)[0][0] if votes else fallback
