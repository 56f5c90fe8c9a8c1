"""Streaming decode of any container's audio to 16 kHz mono float32, and to a PCM file on disk.

Decoding is a chain of small generators, each holding at most one block of audio:

    frames = _decoded_frames(container, stream)   # packets -> AudioFrames, damage skipped
    chunks = _resampled(frames, origin)           # -> float32 mono 16 kHz arrays, gaps filled
    blocks = _blocked(chunks, block_samples)      # -> fixed-size blocks, clipped to [-1, 1]

so memory is bounded by `block_seconds` whatever the length of the file.

Timeline: transcript timestamps must match the video, so samples are placed by the frames'
timestamps (relative to the container's start), not merely counted. A forward jump of more than
`_GAP_SECONDS` (skipped damage, an audio track that starts after the video) is filled with
silence; jumps beyond `_MAX_GAP_SECONDS` are taken as broken timestamps and ignored rather than
turned into minutes of silence.

Damage part-way: an undecodable packet is skipped and a demuxer error resumes demuxing after
it, so a damaged stretch becomes silence and later timestamps stay right (logged as a warning).
More than `_MAX_BAD_PACKETS` failures in a row raise `CorruptMediaError` saying how far it got.

Truncation, by container (measured on files cut to 50-60 %):
- MP4/MOV/M4A with the index at the end (the default): cannot be opened at all; `open_media`
  raises `CorruptMediaError` saying the 'moov' atom is missing.
- FLAC, MP3 (LAME/Xing header), MP4 with the index in front, and audio-only
  Matroska/WebM: the header records the audio's length; when decoding falls short of it by more
  than max(2 s, 5 %), `CorruptMediaError` is raised after the head was decoded (an MP3 damaged in
  the middle lands here too, because its lost frames leave no timestamp gap to fill).
- Ogg, WAV, AVI, and Matroska/WebM with video: FFmpeg derives the length from what is present,
  so the head decodes successfully and the audio is simply shorter.
`decode_to_pcm` only puts its file in place when decoding succeeded.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import av.error
import numpy as np
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer

from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.errors import CorruptMediaError
from video_transcriber.media.pcm import PcmAudio, regroup, to_int16
from video_transcriber.media.probe import audio_stream, no_audio_in, open_media, stream_duration

_GAP_SECONDS = 0.1
_MAX_GAP_SECONDS = 120.0
_MAX_BAD_PACKETS = 500
"""Consecutive unreadable packets tolerated (roughly 10 s of audio) before giving up."""
_TRUNCATION_TOLERANCE = (2.0, 0.05)
"""Decoding may fall short of the header's length by max(2 s, 5 %) before it counts as cut off."""

logger = logging.getLogger(__name__)

_REENCODE = "re-encode it (for example with HandBrake or ffmpeg) or upload the complete file again"


def _clock(seconds: float) -> str:
    minutes, rest = divmod(max(0.0, seconds), 60)
    return f"{int(minutes) // 60:d}:{int(minutes) % 60:02d}:{rest:04.1f}"


class _Position:
    """How far decoding got, in seconds of output audio, for progress and error messages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.samples = 0
        self.skipped_packets = 0

    @property
    def seconds(self) -> float:
        return self.samples / SAMPLE_RATE

    def corrupt(self, detail: object) -> CorruptMediaError:
        return CorruptMediaError(
            f"'{self.path.name}' is damaged: decoding stopped after {_clock(self.seconds)} "
            f"({detail}). Play it to check, then {_REENCODE}."
        )


def _decoded_frames(
    container: InputContainer, stream: AudioStream, position: _Position
) -> Iterator[AudioFrame]:
    """Audio frames in stream order. Damaged stretches are skipped, not fatal: an undecodable
    packet is dropped and a demuxer error restarts demuxing from where it stopped (the gap is
    filled with silence downstream), unless more than `_MAX_BAD_PACKETS` fail in a row."""
    packets = container.demux(stream)
    bad_in_a_row = 0
    while True:
        try:
            packet = next(packets)
        except (StopIteration, av.error.EOFError):
            return
        except av.error.FFmpegError as exc:
            packets = container.demux(stream)  # the old generator died with the error
            error: av.error.FFmpegError | None = exc
        else:
            try:
                frames, error = packet.decode(), None
            except av.error.FFmpegError as exc:
                error = exc
        if error is not None:
            bad_in_a_row += 1
            position.skipped_packets += 1
            if bad_in_a_row > _MAX_BAD_PACKETS:
                raise position.corrupt(error) from error
            continue
        bad_in_a_row = 0
        for frame in frames:
            if isinstance(frame, AudioFrame):
                yield frame


def _new_resampler() -> av.AudioResampler:
    return av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)


def _resampled(
    frames: Iterator[AudioFrame], origin: float, position: _Position
) -> Iterator[np.ndarray]:
    """float32 mono 16 kHz arrays placed on the media timeline (see the module docstring)."""
    resampler = _new_resampler()
    consumed = 0.0  # seconds of input audio handed to the resampler, plus silence inserted

    def emit(pieces: list[AudioFrame]) -> Iterator[np.ndarray]:
        for piece in pieces:
            samples = piece.to_ndarray().reshape(-1)
            position.samples += len(samples)
            yield samples

    for frame in frames:
        if frame.pts is not None and frame.time_base is not None:
            gap = float(frame.pts * frame.time_base) - origin - consumed
            if _GAP_SECONDS < gap <= _MAX_GAP_SECONDS:
                silence = np.zeros(round(gap * SAMPLE_RATE), dtype=np.float32)
                position.samples += len(silence)
                yield silence
                consumed += gap
        consumed += frame.samples / frame.sample_rate
        try:
            out = resampler.resample(frame)
        except ValueError:  # the stream changed rate or layout mid-way: start a new resampler
            yield from emit(resampler.resample(None))
            resampler = _new_resampler()
            out = resampler.resample(frame)
        yield from emit(out)
    yield from emit(resampler.resample(None))


def _blocked(chunks: Iterator[np.ndarray], block_samples: int) -> Iterator[np.ndarray]:
    """Re-cut arbitrary arrays into `block_samples`-long blocks (the last may be shorter),
    clipped to [-1, 1]."""
    for block in regroup(chunks, block_samples):
        yield np.clip(block, -1.0, 1.0, dtype=np.float32)


def _expected_duration(container: InputContainer, stream: AudioStream) -> float | None:
    """The audio length the header promises, when it can be trusted for a truncation check."""
    own = stream_duration(stream)
    if own is not None:
        return own
    if container.duration is not None and not container.streams.video:
        return container.duration / 1_000_000
    return None


def _check_complete(position: _Position, expected: float | None, origin: float) -> None:
    if position.skipped_packets:
        logger.warning(
            "%s: skipped %d damaged packets; their audio is silence in the output",
            position.path.name,
            position.skipped_packets,
        )
    if position.samples == 0:
        raise no_audio_in(position.path)
    if expected is None:
        return
    floor_seconds, fraction = _TRUNCATION_TOLERANCE
    # Some headers count the length from 0, others from the first timestamp: allow for both.
    if expected - (position.seconds + origin) > max(floor_seconds, fraction * expected):
        raise CorruptMediaError(
            f"'{position.path.name}' is cut off or damaged: its header promises "
            f"{_clock(expected)} of audio but only {_clock(position.seconds)} could be decoded. "
            f"The upload or recording was probably interrupted; {_REENCODE}."
        )


def _iter_blocks(path: Path, block_seconds: float, position: _Position) -> Iterator[np.ndarray]:
    if block_seconds <= 0:
        raise ValueError("block_seconds must be positive")
    with open_media(path) as container:
        stream = audio_stream(container, path)
        origin = (container.start_time or 0) / 1_000_000
        expected = _expected_duration(container, stream)
        frames = _decoded_frames(container, stream, position)
        chunks = _resampled(frames, origin, position)
        yield from _blocked(chunks, max(1, round(block_seconds * SAMPLE_RATE)))
    _check_complete(position, expected, origin)


def iter_audio(path: Path, *, block_seconds: float = 30.0) -> Iterator[np.ndarray]:
    """float32 mono 16 kHz blocks of `block_seconds` (the last shorter), streamed from `path`.

    Raises `MediaError` subclasses: at the start for files that cannot be opened, part-way
    (`CorruptMediaError`) for damage, and at the end for empty or cut-off files.
    """
    path = Path(path)
    yield from _iter_blocks(path, block_seconds, _Position(path))


def decode_to_pcm(
    path: Path,
    dest: Path,
    *,
    on_progress: Callable[[float], None] | None = None,
    on_block: Callable[[np.ndarray], None] | None = None,
    block_seconds: float = 10.0,
) -> PcmAudio:
    """Decode `path` into `dest` as raw little-endian int16 16 kHz mono, one block at a time.

    `on_block(samples)` gets each block as written (int16), `on_progress(seconds_decoded)` is
    called after it. The file is written beside `dest` and renamed into place only when
    decoding succeeded, so a `dest` that exists is always complete.
    """
    path, dest = Path(path), Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    written = 0
    try:
        with partial.open("wb") as out:
            for block in _iter_blocks(path, block_seconds, _Position(path)):
                samples = to_int16(block)
                out.write(samples.tobytes())
                written += len(block)
                if on_block is not None:
                    on_block(samples)
                if on_progress is not None:
                    on_progress(written / SAMPLE_RATE)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return PcmAudio(dest)
