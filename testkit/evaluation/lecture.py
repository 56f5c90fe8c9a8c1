"""Synthetic lectures and small media fixtures, written with PyAV so tests never commit media.

`build_lecture` lays real corpus utterances end to end with seeded pauses of 0.4-1.8 s, looping
the clip list to the target length, and writes them with a small moving-colour video track; its
`LectureInfo` records where every clip landed, so tests can check timestamps, and the reference
text in order, so benchmarks can score WER. `make_media_fixture` writes a few seconds of audio
(a corpus clip or a synthetic voice-like tone) in any container of `CONTAINERS`.

Both stream: each clip is decoded once into memory (they are seconds long) and the output is
encoded as it is produced, so a three-hour lecture needs no more memory than a three-minute one.
Video is tiny (160x120, 2 fps, x264 `ultrafast`) so that building is dominated by audio encoding.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import NamedTuple, cast

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream

from testkit.evaluation.corpus import Clip
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.media.decode import iter_audio

PAUSE_RANGE = (0.4, 1.8)
"""Seconds of silence between clips, drawn uniformly with the builder's seed."""


@dataclass(frozen=True, slots=True)
class ContainerSpec:
    """How one container is written: muxer, file suffix, codecs and audio layout."""

    muxer: str
    suffix: str
    audio_codec: str
    sample_rate: int
    layout: str
    video_codec: str | None
    """None for audio-only containers (`video=True` is then ignored)."""
    audio_options: dict[str, str] = field(default_factory=dict)


_EXPERIMENTAL = {"strict": "experimental"}

CONTAINERS: dict[str, ContainerSpec] = {
    "mp4": ContainerSpec("mp4", ".mp4", "aac", 44100, "stereo", "libx264"),
    "m4v": ContainerSpec("mp4", ".m4v", "aac", 48000, "mono", "libx264"),
    "mov": ContainerSpec("mov", ".mov", "pcm_s16le", 48000, "stereo", "libx264"),
    "mkv": ContainerSpec("matroska", ".mkv", "libopus", 48000, "stereo", "libx264"),
    "webm": ContainerSpec("webm", ".webm", "libopus", 48000, "mono", "libvpx-vp9"),
    "webm-vp8": ContainerSpec("webm", ".webm", "vorbis", 44100, "stereo", "libvpx", _EXPERIMENTAL),
    "avi": ContainerSpec("avi", ".avi", "libmp3lame", 44100, "stereo", "mpeg4"),
    "flv": ContainerSpec("flv", ".flv", "libmp3lame", 44100, "mono", "flv"),
    "wmv": ContainerSpec("asf", ".wmv", "wmav2", 44100, "stereo", "wmv2"),
    "mp3": ContainerSpec("mp3", ".mp3", "libmp3lame", 44100, "stereo", None),
    "wav": ContainerSpec("wav", ".wav", "pcm_s16le", 22050, "mono", None),
    "m4a": ContainerSpec("ipod", ".m4a", "aac", 44100, "mono", None),
    "flac": ContainerSpec("flac", ".flac", "flac", 48000, "stereo", None),
    "ogg": ContainerSpec("ogg", ".ogg", "vorbis", 44100, "stereo", None, _EXPERIMENTAL),
    "opus": ContainerSpec("ogg", ".opus", "libopus", 48000, "mono", None),
}
"""Every container the fixtures cover, with codecs this PyAV build can encode."""

_VIDEO_OPTIONS = {
    "libx264": {"preset": "ultrafast", "tune": "zerolatency", "crf": "35"},
    "libvpx": {"deadline": "realtime", "cpu-used": "8"},
    "libvpx-vp9": {"deadline": "realtime", "cpu-used": "8", "row-mt": "0"},
}
_LOSSLESS = ("pcm_s16le", "flac")
_SIZE = (160, 120)
_WRITE_SECONDS = 1.0


class Placement(NamedTuple):
    """Where one clip sits in a built lecture (seconds)."""

    name: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class LectureInfo:
    """A built lecture: the file, its length, and the ground truth to score it against."""

    path: Path
    duration: float
    reference: str
    placements: tuple[Placement, ...]


class MediaWriter:
    """Encodes 16 kHz mono float32 audio (plus a generated video track) into one container."""

    def __init__(
        self,
        out: Path,
        spec: ContainerSpec,
        *,
        video: bool,
        audio: bool = True,
        fps: int = 2,
        muxer_options: dict[str, str] | None = None,
    ) -> None:
        self._container = av.open(
            str(out), mode="w", format=spec.muxer, options=muxer_options or {}
        )
        self._audio: AudioStream | None = None
        if audio:
            self._audio = cast(
                AudioStream,
                self._container.add_stream(
                    spec.audio_codec, rate=spec.sample_rate, options=spec.audio_options
                ),
            )
            self._audio.layout = spec.layout
            if spec.audio_codec not in _LOSSLESS:
                self._audio.bit_rate = 64_000  # wmav2 refuses to open without one
            self._audio.codec_context.thread_count = 1
        self._video: VideoStream | None = None
        self._fps = fps
        if video and spec.video_codec:
            stream = cast(
                VideoStream,
                self._container.add_stream(
                    spec.video_codec, rate=fps, options=_VIDEO_OPTIONS.get(spec.video_codec, {})
                ),
            )
            stream.width, stream.height = _SIZE
            stream.pix_fmt = "yuv420p"
            stream.codec_context.thread_count = 1
            stream.codec_context.gop_size = fps * 10
            self._video = stream
            self._palette = _palette(24)
        self.samples_written = 0
        self._frames_written = 0

    def __enter__(self) -> MediaWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self._finish()
        self._container.close()

    def write(self, samples: np.ndarray) -> None:
        """Append float32 mono 16 kHz samples (or only advance the clock for video-only files)."""
        step = round(_WRITE_SECONDS * SAMPLE_RATE)
        for start in range(0, len(samples), step):
            piece = np.ascontiguousarray(samples[start : start + step], dtype=np.float32)
            if self._audio is not None:
                frame = av.AudioFrame.from_ndarray(
                    piece.reshape(1, -1), format="flt", layout="mono"
                )
                frame.sample_rate = SAMPLE_RATE
                frame.time_base = Fraction(1, SAMPLE_RATE)
                frame.pts = self.samples_written
                self._container.mux(self._audio.encode(frame))
            self.samples_written += len(piece)
            self._video_until(self.samples_written / SAMPLE_RATE)

    def silence(self, seconds: float) -> None:
        remaining = round(seconds * SAMPLE_RATE)
        step = round(_WRITE_SECONDS * SAMPLE_RATE)
        while remaining > 0:
            self.write(np.zeros(min(step, remaining), dtype=np.float32))
            remaining -= step

    def _video_until(self, seconds: float) -> None:
        if self._video is None:
            return
        while self._frames_written < seconds * self._fps:
            frame = self._palette[(self._frames_written // self._fps) % len(self._palette)]
            frame.pts = self._frames_written
            frame.time_base = Fraction(1, self._fps)
            self._container.mux(self._video.encode(frame))
            self._frames_written += 1

    def _finish(self) -> None:
        self._container.start_encoding()  # writes the header even when nothing was written
        if self._audio is not None:
            self._container.mux(self._audio.encode(None))
        if self._video is not None:
            self._video_until(self.samples_written / SAMPLE_RATE)
            self._container.mux(self._video.encode(None))


def _palette(count: int) -> list[av.VideoFrame]:
    """Solid colours with a bar whose position moves, so consecutive seconds differ."""
    width, height = _SIZE
    frames = []
    for index in range(count):
        hue = index / count
        rgb = np.empty((height, width, 3), dtype=np.uint8)
        rgb[:] = [int(255 * abs(np.sin(np.pi * (hue + k / 3)))) for k in range(3)]
        bar = index * width // count
        rgb[:, bar : bar + 8] = 255
        frames.append(av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p"))
    return frames


def clip_samples(clip: Clip) -> np.ndarray:
    """A corpus clip as 16 kHz mono float32 (the whole clip; clips are seconds long)."""
    return np.concatenate(list(iter_audio(clip.path, block_seconds=60.0)))


def spec_for(container: str) -> ContainerSpec:
    try:
        return CONTAINERS[container]
    except KeyError:
        raise ValueError(
            f"unknown container {container!r}; choose from {sorted(CONTAINERS)}"
        ) from None


def build_lecture(
    clips: Sequence[Clip],
    *,
    target_seconds: float,
    out: Path,
    seed: int = 0,
    video: bool = True,
    container: str = "mp4",
) -> LectureInfo:
    """Write a lecture of `target_seconds` to `out`: clips in order, looped, with seeded pauses.

    The last clip that would overrun the target is left out and the rest is silence, so the
    file lasts `target_seconds` and every placed clip is whole.
    """
    if not clips:
        raise ValueError("build_lecture needs at least one clip")
    spec = spec_for(container)
    rng = random.Random(seed)
    cache: dict[Path, np.ndarray] = {}
    target = round(target_seconds * SAMPLE_RATE)
    placements: list[Placement] = []
    references: list[str] = []
    with MediaWriter(Path(out), spec, video=video) as writer:
        for index in range(10**9):
            clip = clips[index % len(clips)]
            if clip.path not in cache:
                cache[clip.path] = clip_samples(clip)
            samples = cache[clip.path]
            pause = round(rng.uniform(*PAUSE_RANGE) * SAMPLE_RATE)
            if writer.samples_written + pause + len(samples) > target:
                break
            writer.write(np.zeros(pause, dtype=np.float32))
            start = writer.samples_written / SAMPLE_RATE
            writer.write(samples)
            placements.append(Placement(clip.name, start, writer.samples_written / SAMPLE_RATE))
            references.append(clip.reference)
        writer.silence((target - writer.samples_written) / SAMPLE_RATE)
        duration = writer.samples_written / SAMPLE_RATE
    return LectureInfo(Path(out), duration, " ".join(references), tuple(placements))


def voice_like(seconds: float, seed: int = 0) -> Iterator[np.ndarray]:
    """A synthetic voice: a gliding harmonic tone, syllable-rate bursts, a little noise."""
    rng = np.random.default_rng(seed)
    total = round(seconds * SAMPLE_RATE)
    step = 10 * SAMPLE_RATE
    for first in range(0, total, step):
        t = np.arange(first, min(total, first + step)) / SAMPLE_RATE
        f0 = 150 + 40 * np.sin(2 * np.pi * 0.3 * t)
        phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
        tone = sum(np.sin(k * phase) / k for k in (1, 2, 3))
        envelope = 0.5 * (1 + np.sin(2 * np.pi * 4 * t)) ** 2 / 4
        noise = rng.normal(0, 0.01, len(t))
        yield (0.25 * envelope * tone + noise).astype(np.float32)


def make_media_fixture(
    out: Path,
    container: str,
    *,
    seconds: float,
    with_audio: bool = True,
    with_video: bool = True,
    source: Clip | None = None,
) -> Path:
    """Write `seconds` of audio (the `source` clip looped, or a synthetic voice) to `out`."""
    spec = spec_for(container)
    with MediaWriter(Path(out), spec, video=with_video, audio=with_audio, fps=5) as writer:
        if source is None:
            for piece in voice_like(seconds):
                writer.write(piece)
        else:
            samples, total = clip_samples(source), round(seconds * SAMPLE_RATE)
            while writer.samples_written < total:
                writer.write(samples[: total - writer.samples_written])
    return Path(out)
