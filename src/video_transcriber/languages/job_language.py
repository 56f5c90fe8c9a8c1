"""A job's language from its chunks' results, and which chunks to decode again in it (pure).

Each chunk's worker voted on its own language (`engine.transcriber`, `languages.detection`);
here the chunks vote for the job, weighted by their seconds of speech, and a chunk that came out
in another language without being sure of it is named for a second decode in the job's
language (`languages.detection.to_redo`). Chunks without text do not vote.
"""

from __future__ import annotations

from collections.abc import Sequence

from video_transcriber.domain import Chunk, ChunkResult
from video_transcriber.languages.detection import Detection, combine, to_redo


def job_detection(results: Sequence[ChunkResult], chunks: Sequence[Chunk]) -> Detection | None:
    """The language the job's chunks vote for, and its share of their speech."""
    seconds = {chunk.index: chunk.speech_seconds for chunk in chunks}
    return combine(
        (Detection(r.language, r.language_probability), seconds.get(r.chunk_index, 0.0))
        for r in results
        if r.language and r.segments
    )


def unsure_chunks(
    results: Sequence[ChunkResult], job: Detection, switch_probability: float
) -> list[int]:
    """Indices of chunks to decode again in `job.language`."""
    return to_redo(
        (
            (r.chunk_index, Detection(r.language, r.language_probability))
            for r in results
            if r.segments
        ),
        job,
        switch_probability,
    )
