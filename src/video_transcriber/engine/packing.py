"""Decoding again several stretches of missing speech in one window, and sharing the words out.

The coverage check finds a few seconds of speech here and there that the first pass left without
words. Decoded one window each, every stretch costs a full encoder pass, because Whisper's
encoder always sees 30 s: on the 10-minute lecture (tiny.en, int8, one thread) an encoder pass
is ~0.45 s, 60% of all decoding time, and the 16-21 lone re-decodes of a lecture were a third of
it. So the stretches of a chunk, each with its context (`lo`, `hi`), are laid end to end in as
few windows as fit, `gap` seconds of true silence between them, so that Whisper hears separate
utterances — one encoder pass for all of them.

After decoding, each word goes back to the stretch whose piece holds it (the nearest piece for a
word the model timed into the silence); a segment spanning two pieces is split between them by
its words, and every time is clamped inside its piece before it is mapped to media time.

tiny.en sometimes treats the stretches of a window as one utterance and stops before the last
one (on the lecture: a sentence packed after four JFK fragments came back empty, though alone
it decodes word for word). So `to_retry` names the stretches that shared a window and still got
too few words; they are packed and decoded once more, among themselves. Pure functions over
windows and segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from video_transcriber.domain import Segment, SpeechSpan, Word
from video_transcriber.engine.windows import Piece, Window


@dataclass(frozen=True, slots=True)
class PackOptions:
    """How stretches to decode again share windows."""

    max_seconds: float = 24.0
    """Most audio (stretches and gaps) in one window, as for first-pass windows."""
    gap: float = 1.0
    """Silence between two stretches: long enough that Whisper ends one utterance before the
    next and that word timings (good to ~0.2 s) cannot land in the wrong stretch."""


def pack(
    ranges: Sequence[tuple[float, float]], regions: Sequence[SpeechSpan], options: PackOptions
) -> list[Window]:
    """Windows holding each `(lo, hi)` audio range, in order, `options.gap` apart.

    `regions[i]` (the speech that range i is decoded for) becomes a span of the window that
    holds range i; each window's pieces and spans line up one to one.
    """
    windows: list[Window] = []
    pieces: list[Piece] = []
    spans: list[SpeechSpan] = []
    for (lo, hi), region in zip(ranges, regions, strict=True):
        offset = pieces[-1].offset + pieces[-1].duration + options.gap if pieces else 0.0
        if pieces and offset + (hi - lo) > options.max_seconds:
            windows.append(Window(tuple(pieces), tuple(spans)))
            pieces, spans, offset = [], [], 0.0
        pieces.append(Piece(lo, hi, offset))
        spans.append(region)
    if pieces:
        windows.append(Window(tuple(pieces), tuple(spans)))
    return windows


def piece_at(window: Window, t: float) -> int:
    """Index of the piece holding window time `t`, else of the nearest one."""

    def distance(index: int) -> float:
        piece = window.pieces[index]
        return max(0.0, piece.offset - t, t - (piece.offset + piece.duration))

    return min(range(len(window.pieces)), key=distance)


def _in_piece(piece: Piece, t: float) -> float:
    """Media time of window time `t`, clamped inside `piece`."""
    return piece.source_start + min(max(t - piece.offset, 0.0), piece.duration)


def _moved(piece: Piece, segment: Segment, words: tuple[Word, ...]) -> Segment:
    """`segment` (or the part of it made of `words`) in media time, inside `piece`."""
    moved = tuple(
        replace(w, start=_in_piece(piece, w.start), end=_in_piece(piece, w.end)) for w in words
    )
    if len(words) == len(segment.words):
        start, end = segment.start, segment.end
        text = segment.text
    else:
        start, end = words[0].start, words[-1].end
        text = "".join(w.text for w in words).strip()
    return replace(
        segment, start=_in_piece(piece, start), end=_in_piece(piece, end), text=text, words=moved
    )


def unpack(window: Window, segments: Sequence[Segment]) -> list[list[Segment]]:
    """The decoded `segments` (window time) shared out to the window's pieces, in media time:
    one list per piece, in text order."""
    out: list[list[Segment]] = [[] for _ in window.pieces]
    for segment in segments:
        if not segment.words:
            index = piece_at(window, (segment.start + segment.end) / 2)
            out[index].append(_moved(window.pieces[index], segment, ()))
            continue
        groups: dict[int, list[Word]] = {}
        for word in segment.words:
            groups.setdefault(piece_at(window, (word.start + word.end) / 2), []).append(word)
        for index, words in sorted(groups.items()):
            out[index].append(_moved(window.pieces[index], segment, tuple(words)))
    return out


def word_count(segments: Sequence[Segment]) -> int:
    return sum(len(s.words) if s.words else len(s.text.split()) for s in segments)


def to_retry(
    windows: Sequence[Window], found: Sequence[Sequence[Segment]], min_words_per_second: float
) -> list[int]:
    """Indices (in packing order) of stretches that shared a window with others and got fewer
    than `min_words_per_second` words a second (at least one word)."""
    out: list[int] = []
    index = 0
    for window in windows:
        for span in window.spans:
            wanted = max(1.0, min_words_per_second * span.duration)
            if len(window.pieces) > 1 and word_count(found[index]) < wanted:
                out.append(index)
            index += 1
    return out
