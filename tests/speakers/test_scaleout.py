"""Speakers on the Celery workers: real Redis, real `video-transcriber worker` processes.

Every chunk result that comes back must carry the voices its worker embedded (so the API side
only clusters), and the built dialogue must get its two speakers at the right turns.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.evaluation.conditioned_lecture import write_samples
from testkit.evaluation.dialogues import build_conversation
from video_transcriber.config import Settings
from video_transcriber.domain import ChunkResult, TranscribeOptions
from video_transcriber.executors.celery_executor import CeleryExecutor
from video_transcriber.pipeline.transcription import transcribe_media
from video_transcriber.tuning.plan import ExecutionPlan

pytestmark = [pytest.mark.scaleout, pytest.mark.timeout(300)]

PLAN = ExecutionPlan(workers=2, threads_per_worker=1, chunk_seconds=12.0, batch_size=1)


def test_workers_embed_the_voices_and_the_speakers_come_out(
    celery_settings: Settings, celery_executor: CeleryExecutor, tmp_path: Path
) -> None:
    dialogue = build_conversation("dialogue", ["ljspeech", "librispeech_1089"], seconds=40, seed=6)
    media = tmp_path / "dialogue.mp4"
    write_samples(dialogue.samples, media)
    results: list[ChunkResult] = []
    transcript = transcribe_media(
        media,
        settings=celery_settings,
        options=TranscribeOptions(speakers="auto"),
        executor=celery_executor,
        work_dir=tmp_path / "work",
        plan=PLAN,
        job_id="speakers",
        on_chunk=results.append,
    )
    assert len(results) >= 2
    assert all(r.voices is not None for r in results)
    assert sum(len(r.voices or ()) for r in results) >= 20
    voice = {"ljspeech": "Speaker 1", "librispeech_1089": "Speaker 2"}
    agree = total = 0
    for segment in transcript.segments:
        middle = (segment.start + segment.end) / 2
        owners = {t.speaker for t in dialogue.turns if t.start - 0.3 <= middle <= t.end + 0.3}
        if len(owners) == 1:
            total += 1
            agree += segment.speaker == voice[owners.pop()]
    assert total >= 5 and agree == total
