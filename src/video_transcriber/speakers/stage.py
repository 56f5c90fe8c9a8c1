"""The diarization stage of the pipeline: a stitched transcript gets its speakers.

`label_speakers` runs after transcription, on the decoded PCM file and the speech spans the
pipeline already has, wherever the pipeline runs (the CLI's process, the service's job thread).
The diarizer is built once per process and settings (`shared_diarizer`): loading the weights
and building the graph costs ~0.2 s, which a second job should not pay again.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from video_transcriber.config import SpeakerSettings
from video_transcriber.domain import Segment, SpeechSpan
from video_transcriber.speakers.assign import SpeakerRequest, assign_speakers
from video_transcriber.speakers.diarize import Diarization, Diarizer
from video_transcriber.speakers.windows import AudioSource

_lock = threading.Lock()
_diarizers: dict[str, Diarizer] = {}


def shared_diarizer(settings: SpeakerSettings) -> Diarizer:
    """One `Diarizer` per distinct settings in this process."""
    key = settings.model_dump_json()
    with _lock:
        if key not in _diarizers:
            _diarizers[key] = Diarizer(settings)
        return _diarizers[key]


def label_speakers(
    audio: AudioSource,
    speech: Sequence[SpeechSpan],
    segments: Sequence[Segment],
    request: SpeakerRequest,
    settings: SpeakerSettings,
) -> tuple[list[Segment], Diarization]:
    """`segments` with speakers (split at word timings where the speaker changes)."""
    found = shared_diarizer(settings).diarize(audio, speech, speakers=request.count)
    return assign_speakers(segments, found.turns), found
