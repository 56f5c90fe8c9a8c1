"""`jobs.tunable`: persisted tuning overrides, and a runner that changes pools between jobs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from video_transcriber.config import ServiceSettings, Settings
from video_transcriber.domain import TranscribeOptions, Transcript
from video_transcriber.jobs import tunable
from video_transcriber.jobs.tunable import (
    TunableRunner,
    load_overrides,
    save_overrides,
    tuned_settings,
    with_overrides,
)
from video_transcriber.pipeline.runner import RunRequest
from video_transcriber.tuning.facts import SystemFacts

FACTS = SystemFacts(
    logical_cpus=8, usable_cpus=8, total_memory_bytes=16 * 2**30, available_memory_bytes=8 * 2**30
)


class FakePool:
    def __init__(self, settings: Settings, plan: Any) -> None:
        self.workers, self.threads = plan.workers, plan.threads_per_worker
        self.closed = threading.Event()

    def run(self, job_id: str, tasks: Any, *, on_start: Any = None) -> Any:
        raise AssertionError("not used")

    def cancel(self, job_id: str) -> None:
        pass

    def close(self) -> None:
        self.closed.set()


def settings(tmp_path: Path) -> Settings:
    return Settings(service=ServiceSettings(data_dir=tmp_path))


def test_overrides_round_trip_and_null_means_automatic(tmp_path: Path) -> None:
    base = settings(tmp_path).model_copy(deep=True)
    base.tuning.chunk_seconds = 120.0  # as if VT_TUNING__CHUNK_SECONDS were set
    save_overrides(base, {"workers": 3, "chunk_seconds": None, "junk": 1})
    assert load_overrides(base) == {"workers": 3, "chunk_seconds": None}
    tuned = tuned_settings(base)
    assert tuned.tuning.workers == 3
    assert tuned.tuning.chunk_seconds is None


def test_bad_override_files_are_ignored(tmp_path: Path) -> None:
    base = settings(tmp_path)
    (tmp_path / "tuning.json").write_text("{not json")
    assert tuned_settings(base) == base
    (tmp_path / "tuning.json").write_text('{"workers": 0}')
    assert tuned_settings(base) == base
    with pytest.raises(ValueError):
        with_overrides(base, {"workers": 0})


def test_apply_restarts_the_pool_only_when_workers_or_threads_change(tmp_path: Path) -> None:
    runner = TunableRunner(settings(tmp_path), pool_factory=FakePool, facts=lambda: FACTS)
    first = runner._pool.executor
    same = runner.apply(with_overrides(settings(tmp_path), {"chunk_seconds": 42.0}))
    assert not same.pool_restarted
    assert runner.chunk_seconds(None) == 42.0
    assert runner._pool.executor is first
    changed = runner.apply(with_overrides(settings(tmp_path), {"workers": 1}))
    assert changed.pool_restarted and changed.old_pool_busy == 0
    assert runner.plan.workers == 1
    assert isinstance(first, FakePool) and first.closed.wait(5)
    runner.close()
    assert runner._pool.executor.closed.is_set()  # type: ignore[attr-defined]


def test_a_replaced_pool_closes_when_its_last_job_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, started = threading.Event(), threading.Event()
    seen: list[object] = []

    def transcribe(self: Any, request: RunRequest) -> Transcript:
        seen.append(self._executor)
        started.set()
        release.wait(10)
        return Transcript([], "en", 1.0)

    monkeypatch.setattr(tunable.PipelineRunner, "transcribe", transcribe)
    runner = TunableRunner(settings(tmp_path), pool_factory=FakePool, facts=lambda: FACTS)
    old = runner._pool.executor

    def request(job_id: str, name: str) -> RunRequest:
        return RunRequest(
            job_id=job_id,
            path=tmp_path / name,
            options=TranscribeOptions(),
            work_dir=tmp_path,
            done={},
            chunk_seconds=30.0,
            on_progress=lambda p: None,
            on_chunk=lambda r: None,
            on_chunk_start=lambda i: None,
        )

    job = threading.Thread(target=runner.transcribe, args=(request("job-1", "a"),))
    job.start()
    assert started.wait(5)
    applied = runner.apply(with_overrides(settings(tmp_path), {"workers": 1}))
    assert applied.pool_restarted and applied.old_pool_busy == 1
    assert isinstance(old, FakePool) and not old.closed.is_set()  # its job is still running
    release.set()
    job.join(5)
    assert old.closed.wait(5)
    runner.transcribe(request("job-2", "b"))
    assert seen == [old, runner._pool.executor]  # the next job ran on the new pool
    runner.close()
