"""Plain data shared by every layer: media facts, speech spans, chunks, segments, transcripts, jobs.

Nothing here does I/O or imports a framework; every other package may import this one.
Times are seconds from the start of the media, as floats, everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

SAMPLE_RATE = 16_000
"""Every decoded stream is resampled to 16 kHz mono, the rate Whisper and Silero VAD expect."""


class JobStatus(StrEnum):
    """Where a job is in its life; `store.states` is the one place that moves a job between them."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


class Stage(StrEnum):
    """What a running job is doing now, shown with its progress."""

    QUEUED = "queued"
    DECODING = "decoding"
    DETECTING_SPEECH = "detecting_speech"
    TRANSCRIBING = "transcribing"
    FINALIZING = "finalizing"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What probing a file found, before any audio is decoded."""

    path: str
    container: str
    duration: float
    audio_codec: str
    sample_rate: int
    channels: int
    has_video: bool
    video_codec: str | None = None
    size_bytes: int = 0


@dataclass(frozen=True, slots=True)
class SpeechSpan:
    """A stretch of audio that voice activity detection calls speech."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class SpeechMap:
    """Where a recording's speech is: what detection found, and the faint stretches it rejected
    that still hold signal (decoded too, kept only where the model is confident)."""

    speech: tuple[SpeechSpan, ...]
    faint: tuple[SpeechSpan, ...] = ()


@dataclass(frozen=True, slots=True)
class Chunk:
    """A unit of transcription work: a slice of the media, cut in silence, and the speech inside it.

    `start`/`end` bound the slice; `speech` lists the speech spans inside it (absolute times).
    Only speech is sent to the model; the silence between spans is skipped.
    """

    index: int
    start: float
    end: float
    speech: tuple[SpeechSpan, ...]
    faint: tuple[SpeechSpan, ...] = ()
    """Stretches detection rejected that hold signal (`SpeechMap.faint`)."""

    @property
    def has_audio_to_decode(self) -> bool:
        return bool(self.speech or self.faint)

    @property
    def speech_seconds(self) -> float:
        """Seconds of audio sent to the model: speech and faint spans."""
        return sum(span.duration for span in (*self.speech, *self.faint))


@dataclass(frozen=True, slots=True)
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of transcribed text with absolute timestamps."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    speaker: str | None = None
    """Who says it ("Speaker 1", or the name it was renamed to) when speakers were asked for."""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the store's rows, SSE events, remote workers' replies)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Segment:
        """The segment `to_dict` made."""
        words = tuple(Word(**word) for word in data.get("words", ()))
        return cls(**{**data, "words": words})


@dataclass(frozen=True, slots=True)
class Voice:
    """One 1.6 s window's speaker embedding, computed by the worker beside the chunk's text
    (`speakers.chunk_voices`): 256 float16 values, base64, so it travels as plain JSON."""

    start: float
    end: float
    embedding: str


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """What transcribing one chunk produced; segments are in absolute time, in order."""

    chunk_index: int
    segments: tuple[Segment, ...]
    language: str
    decode_seconds: float
    redecoded_spans: int = 0
    """How many speech spans the coverage check found without text and decoded again."""
    voices: tuple[Voice, ...] | None = None
    """Speaker embeddings of the chunk's speech when the job asked for speakers; None when
    they were not computed (no speakers asked, or a result restored from a checkpoint)."""


@dataclass(frozen=True, slots=True)
class TranscribeOptions:
    """Per-request decoding options; anything left None falls back to the settings."""

    model: str | None = None
    language: str | None = None
    beam_size: int | None = None
    word_timestamps: bool = False
    initial_prompt: str | None = None
    speakers: str | None = None
    """Diarization: None or "off" skips it, "auto" finds the number of speakers, "1".."20"
    fixes it (`speakers.request`)."""


@dataclass(slots=True)
class Transcript:
    """A whole media file's transcript, stitched from chunk results in time order."""

    segments: list[Segment]
    language: str
    duration: float
    model: str = ""
    plan: dict[str, object] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(segment.text.strip() for segment in self.segments if segment.text.strip())


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a job has got; `percent` is over media seconds of speech transcribed."""

    stage: Stage
    percent: float = 0.0
    chunks_done: int = 0
    chunks_total: int = 0
    eta_seconds: float | None = None
