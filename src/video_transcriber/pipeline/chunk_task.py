"""The unit of work an executor runs: one chunk of one job, and the audio file it lives in.

A `ChunkTask` is deliberately small: it names the PCM file and the chunk's time range, never the
samples themselves. Workers read their own slice from the memory-mapped file, so queues and pipes
carry a few hundred bytes per chunk whatever the chunk length, and a three-hour lecture is never
copied between processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from video_transcriber.domain import Chunk, TranscribeOptions


@dataclass(frozen=True, slots=True)
class ChunkTask:
    """Transcribe `chunk` of the 16 kHz int16 PCM file at `audio_path` for job `job_id`."""

    job_id: str
    chunk: Chunk
    audio_path: Path
    options: TranscribeOptions = field(default_factory=TranscribeOptions)

    @property
    def key(self) -> tuple[str, int]:
        """Identifies the task across retries: (job id, chunk index)."""
        return (self.job_id, self.chunk.index)
