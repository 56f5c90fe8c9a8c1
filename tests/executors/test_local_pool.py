"""WarmPool: fairness, no oversubscription, cancel, crash recovery — with fake workers at the
handler seam — plus the round-robin queue itself and one run of the real model through the pool."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.executors import fake_workers
from video_transcriber.config import Settings
from video_transcriber.domain import Chunk, ChunkResult, SpeechSpan
from video_transcriber.errors import CancelledError, ModelError, WorkerCrashedError
from video_transcriber.executors.fair_queue import FairQueue
from video_transcriber.executors.local_pool import WarmPool
from video_transcriber.pipeline.chunk_executor import ChunkExecutor
from video_transcriber.pipeline.chunk_task import ChunkTask


def _tasks(job_id: str, log: Path, indexes: list[int], seconds: float = 1.0) -> list[ChunkTask]:
    """Fake tasks: each 'transcribes' for seconds/10 s and logs to `log`."""
    return [
        ChunkTask(
            job_id,
            Chunk(i, 10.0 * i, 10.0 * i + seconds, (SpeechSpan(10.0 * i, 10.0 * i + seconds),)),
            log,
        )
        for i in indexes
    ]


def _log(path: Path) -> list[tuple[str, int, float, float, int]]:
    rows = [line.split() for line in path.read_text().splitlines()]
    return [(r[0], int(r[1]), float(r[2]), float(r[3]), int(r[4])) for r in rows]


@pytest.fixture(scope="module")
def pool() -> Iterator[WarmPool]:
    plan = SimpleNamespace(workers=2, threads_per_worker=1)
    with WarmPool(Settings(), plan, handler_factory=fake_workers.sleepy_factory) as warm:  # type: ignore[arg-type]
        yield warm


def test_fair_queue_round_robin_and_retry_keeps_turn() -> None:
    queue: FairQueue[str] = FairQueue()
    queue.extend("a", ["a0", "a1", "a2"])
    queue.extend("b", ["b0", "b1"])
    assert [queue.pop() for _ in range(2)] == [("a", "a0"), ("b", "b0")]
    queue.push_front("a", "a0-retry")
    assert queue.pop() == ("a", "a0-retry")
    assert queue.drop("b") == ["b1"]
    assert [queue.pop(), queue.pop(), queue.pop()] == [("a", "a1"), ("a", "a2"), None]
    assert not queue and len(queue) == 0


def test_pool_is_a_chunk_executor(pool: WarmPool) -> None:
    assert isinstance(pool, ChunkExecutor)


def test_concurrent_jobs_interleave_without_oversubscription(
    pool: WarmPool, tmp_path: Path
) -> None:
    log = tmp_path / "log"
    results: dict[str, list[ChunkResult]] = {}

    def consume(job_id: str) -> None:
        results[job_id] = list(pool.run(job_id, _tasks(job_id, log, list(range(6)))))

    threads = [threading.Thread(target=consume, args=(job,)) for job in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.chunk_index for r in results["a"]) == list(range(6))
    assert sorted(r.chunk_index for r in results["b"]) == list(range(6))
    rows = sorted(_log(log), key=lambda row: row[2])
    first_half = [row[0] for row in rows[:6]]
    assert first_half.count("a") >= 2 and first_half.count("b") >= 2, first_half
    for _, _, start, _, _ in rows:  # at any start, at most `workers` chunks are running
        assert sum(s <= start < e for _, _, s, e, _ in rows) <= pool.workers
    assert len({row[4] for row in rows}) == pool.workers  # the same warm processes throughout


def test_cancel_drops_queued_chunks(pool: WarmPool, tmp_path: Path) -> None:
    log = tmp_path / "log"
    results = pool.run("slow", _tasks("slow", log, list(range(10)), seconds=3.0))
    first = next(results)
    pool.cancel("slow")
    assert pool.pending("slow") == 0
    with pytest.raises(CancelledError):
        next(results)
    time.sleep(1.0)  # chunks that were running when cancel came (0.3 s each) finish by now
    ran = {row[1] for row in _log(log)}
    assert first.chunk_index in ran and len(ran) <= 1 + 2 * pool.workers < 10
    # the pool is still good for the next job
    assert len(list(pool.run("after", _tasks("after", tmp_path / "log2", [0, 1])))) == 2


def test_crashed_worker_is_replaced_and_chunk_retried(pool: WarmPool, tmp_path: Path) -> None:
    log = tmp_path / "log"
    indexes = [0, fake_workers.CRASH_ONCE, 2]
    results = list(pool.run("crash", _tasks("crash", log, indexes)))
    assert sorted(r.chunk_index for r in results) == sorted(indexes)


def test_on_start_reports_each_hand_over_in_the_iterating_thread(
    pool: WarmPool, tmp_path: Path
) -> None:
    indexes = [0, 1, fake_workers.CRASH_ONCE, 3]
    events: list[tuple[str, int]] = []
    threads: set[int] = set()

    def started(task: ChunkTask) -> None:
        threads.add(threading.get_ident())
        events.append(("start", task.chunk.index))

    tasks = _tasks("starts", tmp_path / "log", indexes)
    for result in pool.run("starts", tasks, on_start=started):
        events.append(("result", result.chunk_index))
    starts = sorted(index for kind, index in events if kind == "start")
    assert starts == sorted([*indexes, fake_workers.CRASH_ONCE])  # the crashed chunk twice
    assert threads == {threading.get_ident()}
    for index in indexes:
        assert events.index(("start", index)) < events.index(("result", index))


def test_second_crash_on_same_chunk_fails_the_job(pool: WarmPool, tmp_path: Path) -> None:
    with pytest.raises(WorkerCrashedError, match="died twice"):
        list(pool.run("doomed", _tasks("doomed", tmp_path / "log", [fake_workers.CRASH_ALWAYS])))
    assert len(list(pool.run("fine", _tasks("fine", tmp_path / "log", [0])))) == 1


def test_handler_error_fails_only_its_job(pool: WarmPool, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cursed"):
        list(pool.run("bad", _tasks("bad", tmp_path / "log", [0, fake_workers.RAISE, 1])))
    assert len(list(pool.run("good", _tasks("good", tmp_path / "log", [0, 1])))) == 2


def test_duplicate_job_id_is_refused(pool: WarmPool, tmp_path: Path) -> None:
    running = pool.run("twice", _tasks("twice", tmp_path / "log", [0, 1]))
    with pytest.raises(ValueError, match="already running"):
        pool.run("twice", [])
    assert len(list(running)) == 2


def test_model_that_cannot_load_fails_jobs_clearly(tmp_path: Path) -> None:
    plan = SimpleNamespace(workers=1, threads_per_worker=1)
    with WarmPool(Settings(), plan, handler_factory=fake_workers.broken_factory) as broken:  # type: ignore[arg-type]
        with pytest.raises(ModelError, match="VT_MODEL__NAME"):
            list(broken.run("j", _tasks("j", tmp_path / "log", [0])))
        with pytest.raises(ModelError):
            broken.run("k", [])


def test_closed_pool_refuses_work() -> None:
    plan = SimpleNamespace(workers=1, threads_per_worker=1)
    warm = WarmPool(Settings(), plan, handler_factory=fake_workers.sleepy_factory)  # type: ignore[arg-type]
    warm.close()
    warm.close()  # idempotent
    with pytest.raises(CancelledError):
        warm.run("late", [])
