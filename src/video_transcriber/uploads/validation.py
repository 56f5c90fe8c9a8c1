"""Is an uploaded file something we can transcribe? Judged by probing its content, never its name.

Runs before a job is queued, so a wrong file is refused at once with a message that says what to
do, instead of failing minutes later in a worker.
"""

from __future__ import annotations

from pathlib import Path

from video_transcriber.domain import MediaInfo
from video_transcriber.errors import EmptyMediaError
from video_transcriber.media.probe import probe


def validate_media(path: Path) -> MediaInfo:
    """Probe `path`; raises a `MediaError` subclass (HTTP 422) for anything we cannot use."""
    if path.stat().st_size == 0:
        raise EmptyMediaError(
            "The uploaded file is empty (0 bytes). Check that the recording finished saving, "
            "then upload it again."
        )
    return probe(path)
