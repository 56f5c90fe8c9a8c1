"""The diarization stage of the pipeline: a stitched transcript gets its speakers.

`label_speakers` runs after transcription. The embeddings come with the chunk results when
the workers computed them (warm pool or Celery: `speakers.chunk_voices`), so here only the
clustering runs; otherwise it embeds the decoded PCM file over the pipeline's speech spans.
The diarizer is built once per process and settings (`shared_diarizer`): loading the weights
and building the graph costs ~0.2 s, which a second job should not pay again.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from video_transcriber.config import SpeakerSettings
from video_transcriber.domain import ChunkResult, Segment, SpeechSpan
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
    *,
    results: Sequence[ChunkResult] = (),
) -> tuple[list[Segment], Diarization]:
    """`segments` with speakers (split at word timings where the speaker changes).

    When every chunk result carries its voices (the workers embedded them), only clustering
    runs here; otherwise (results restored from a checkpoint, a worker without speakers) the
    whole recording is embedded in this process.
    """
    diarizer = shared_diarizer(settings)
    if results and all(result.voices is not None for result in results):
        voices = [voice for result in results for voice in result.voices or ()]
        found = diarizer.from_voices(voices, speech, speakers=request.count)
    else:
        found = diarizer.diarize(audio, speech, speakers=request.count)
    return assign_speakers(segments, found.turns), found
