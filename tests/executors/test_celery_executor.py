"""The Celery executor against real Redis and real `video-transcriber worker` processes.

One multi-clip lecture (real speech, a few chunks) is transcribed by the local warm pool and then
through two Celery workers: the transcripts must be identical. Then a worker is killed with
SIGKILL mid-chunk: its chunk must be redelivered, and the job must still end with every chunk
exactly once. A cancelled job's queued chunks must not run: the workers' own delivery counts in
Redis show how many did.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from testkit.evaluation.corpus import english_utterances
from testkit.evaluation.lecture import LectureInfo, build_lecture
from tests.scaleout import WorkerFleet
from video_transcriber.config import Settings
from video_transcriber.domain import ChunkResult, TranscribeOptions, Transcript
from video_transcriber.errors import CancelledError
from video_transcriber.executors.celery_app import redis_client
from video_transcriber.executors.celery_executor import CeleryExecutor
from video_transcriber.executors.local_pool import WarmPool
from video_transcriber.pipeline.chunk_executor import ChunkExecutor
from video_transcriber.pipeline.chunk_task import ChunkTask
from video_transcriber.pipeline.transcription import transcribe_media
from video_transcriber.tuning.plan import ExecutionPlan

pytestmark = [pytest.mark.scaleout, pytest.mark.timeout(300)]

PLAN = ExecutionPlan(workers=2, threads_per_worker=1, chunk_seconds=10.0, batch_size=1)
"""Same threads per process as the Celery workers (`--threads 1`): identical decoding."""


@pytest.fixture(scope="module")
def lecture(tmp_path_factory: pytest.TempPathFactory) -> LectureInfo:
    out = tmp_path_factory.mktemp("lecture") / "lecture.mp4"
    return build_lecture(english_utterances()[:8], target_seconds=48.0, out=out, seed=3)


@pytest.fixture(scope="module")
def local_run(
    lecture: LectureInfo, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Transcript, list[int]]:
    """The reference: the local warm pool's transcript and the chunks it ran."""
    ran: list[int] = []
    with WarmPool(Settings(), PLAN) as pool:
        work = tmp_path_factory.mktemp("local")
        transcript = _transcribe(lecture, pool, work, on_chunk=lambda r: ran.append(r.chunk_index))
    return transcript, sorted(ran)


def _transcribe(
    lecture: LectureInfo,
    executor: ChunkExecutor,
    work_dir: Path,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    job_id: str = "job-1",
) -> Transcript:
    return transcribe_media(
        lecture.path,
        settings=Settings(),
        options=TranscribeOptions(),
        executor=executor,
        work_dir=work_dir,
        plan=PLAN,
        job_id=job_id,
        on_chunk=on_chunk,
    )


def _segments(transcript: Transcript) -> list[tuple[float, float, str]]:
    return [(s.start, s.end, s.text) for s in transcript.segments]


def test_two_workers_give_the_local_pools_transcript(
    lecture: LectureInfo,
    local_run: tuple[Transcript, list[int]],
    celery_executor: CeleryExecutor,
    tmp_path: Path,
) -> None:
    local, local_chunks = local_run
    assert len(local_chunks) >= 4
    ran: list[int] = []
    remote = _transcribe(
        lecture, celery_executor, tmp_path / "work", lambda r: ran.append(r.chunk_index), "same"
    )
    assert sorted(ran) == local_chunks
    assert _segments(remote) == _segments(local)
    assert remote.text.strip()


def test_a_worker_killed_mid_chunk_loses_and_duplicates_nothing(
    lecture: LectureInfo,
    local_run: tuple[Transcript, list[int]],
    celery_executor: CeleryExecutor,
    celery_fleet: WorkerFleet,
    celery_settings: Settings,
    tmp_path: Path,
) -> None:
    victim = celery_fleet.workers[0]
    arrived: list[int] = []

    def on_chunk(result: ChunkResult) -> None:
        arrived.append(result.chunk_index)
        if len(arrived) == 1:  # both workers now hold a chunk each (prefetch 1)
            victim.kill()  # the whole worker (main process and pool child), as a crashed machine

    job_id = _fresh_id("killed-worker")
    remote = _transcribe(
        lecture, celery_executor, tmp_path / "work", on_chunk=on_chunk, job_id=job_id
    )
    assert not victim.alive()
    local, local_chunks = local_run
    assert sorted(arrived) == local_chunks, "a chunk was lost or delivered to the job twice"
    assert _segments(remote) == _segments(local)
    redelivered = sum(count > 1 for count in _deliveries(celery_settings, job_id))
    assert redelivered >= 1, "the killed worker's chunk was not redelivered"


def test_cancel_revokes_queued_chunks(
    lecture: LectureInfo,
    celery_executor: CeleryExecutor,
    celery_fleet: WorkerFleet,
    celery_settings: Settings,
    tmp_path: Path,
) -> None:
    job_id = _fresh_id("cancel-me")
    tasks = _chunk_tasks(lecture, tmp_path, job_id, copies=8)
    # All of them go to the broker at once, so only revoking can keep workers from running them.
    assert len(tasks) <= celery_settings.celery.max_queued_per_job
    results = celery_executor.run(job_id, tasks)
    first = next(results)
    assert isinstance(first, ChunkResult)
    threading.Timer(0.1, celery_executor.cancel, (job_id,)).start()
    with pytest.raises(CancelledError):
        list(results)
    # The executor works on for other jobs, and nothing of the cancelled one arrives. Its task
    # is queued behind the revoked ones (the broker's queue is first in, first out): when its
    # result is back, the workers have received every chunk of the cancelled job.
    after = replace(tasks[0], job_id=_fresh_id("after-cancel"))
    again = list(celery_executor.run(after.job_id, [after]))
    assert [r.chunk_index for r in again] == [after.chunk.index]
    ran = len(_deliveries(celery_settings, job_id))
    # The first chunk, and at most two more per worker: the one it held when the cancel came
    # and one it may have taken between the first result and the revoke reaching it.
    assert 1 <= ran <= 1 + 2 * len(celery_fleet.workers) < len(tasks), f"{ran} chunks ran"


def _fresh_id(name: str) -> str:
    """A job id of this test run only: Redis keeps the workers' delivery counts for a day."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def _deliveries(settings: Settings, job_id: str) -> list[int]:
    """How often workers received each chunk of the job that they ran (counted in Redis by the
    task body, so a revoked chunk, which is discarded before its body runs, is not counted)."""
    from video_transcriber.executors.celery_app import make_celery_app

    app = make_celery_app(settings)
    client = redis_client(app)
    counts = [int(client.get(key)) for key in client.scan_iter(f"vt:attempts:{job_id}:*")]
    app.close()
    return counts


def _chunk_tasks(
    lecture: LectureInfo, tmp_path: Path, job_id: str, copies: int
) -> Sequence[ChunkTask]:
    """The lecture's first chunk, `copies` times under different indices (a queue to revoke)."""
    from video_transcriber.domain import Chunk, SpeechSpan
    from video_transcriber.media.decode import decode_to_pcm

    pcm = decode_to_pcm(lecture.path, tmp_path / "audio.pcm")
    span = SpeechSpan(lecture.placements[0].start, lecture.placements[0].end)
    return [
        ChunkTask(job_id, Chunk(index, span.start, span.end, (span,)), pcm.path)
        for index in range(copies)
    ]
