"""`jobs.tuning_service`: limits from the settings' own constraints, and changes applied in turn."""

from __future__ import annotations

from pathlib import Path

import pytest

from video_transcriber.config import ServiceSettings, Settings, TuningSettings
from video_transcriber.errors import TuningConflictError, TuningError
from video_transcriber.jobs.tunable import load_overrides
from video_transcriber.jobs.tuning_service import TuningLimits, TuningService, field_bounds
from video_transcriber.tuning.facts import SystemFacts

FACTS = SystemFacts(
    logical_cpus=8, usable_cpus=8, total_memory_bytes=16 * 2**30, available_memory_bytes=8 * 2**30
)


def service(tmp_path: Path, published: list[Settings] | None = None) -> TuningService:
    settings = Settings(service=ServiceSettings(data_dir=tmp_path))
    sink = published if published is not None else []
    return TuningService(settings, None, publish=sink.append, facts=lambda: FACTS)


def test_bounds_are_the_fields_own_constraints() -> None:
    assert field_bounds("workers") == (1, 64)
    assert field_bounds("chunk_seconds") == (5.0, 3600.0)
    with pytest.raises(LookupError):
        field_bounds("max_workers")  # ge only


def test_limits_are_capped_by_the_settings() -> None:
    capped = TuningSettings(default_workers=4, max_workers=4, max_chunk_seconds=120)
    limits = TuningLimits.of(capped)
    assert limits == TuningLimits(
        workers=(1, 4),
        threads_per_worker=(1, 64),
        chunk_seconds=(5.0, 120.0),
        batch_size=(1, 64),
        total_threads=64,
    )
    assert limits.problems({"workers": 4, "threads_per_worker": 16, "chunk_seconds": None}) == []
    (problem,) = limits.problems({"workers": 5})
    assert problem == "workers=5 is outside 1-4 (raise VT_TUNING__MAX_WORKERS to allow more)"
    (problem,) = limits.problems({"workers": 4, "threads_per_worker": 17})
    assert problem == "4 workers x 17 threads = 68 threads, more than 64 in total"


def test_a_change_is_saved_and_published(tmp_path: Path) -> None:
    published: list[Settings] = []
    tuning = service(tmp_path, published)
    done = tuning.optimize({"workers": 3, "chunk_seconds": 42.0})
    assert done.overrides == {"workers": 3, "chunk_seconds": 42.0}
    assert (done.plan.workers, done.plan.chunk_seconds) == (3, 42.0)
    assert not done.pool_restarted
    assert load_overrides(tuning.settings) == {"workers": 3, "chunk_seconds": 42.0}
    assert published == [tuning.settings] and tuning.settings.tuning.workers == 3


def test_out_of_limits_alone_is_refused_and_nothing_saved(tmp_path: Path) -> None:
    tuning = service(tmp_path)
    with pytest.raises(TuningError, match="chunk_seconds=601 is outside 5-600"):
        tuning.optimize({"chunk_seconds": 601})
    assert load_overrides(tuning.settings) == {}


def test_within_limits_alone_but_not_with_the_saved_values_is_a_conflict(tmp_path: Path) -> None:
    tuning = service(tmp_path)
    tuning.optimize({"workers": 16})
    with pytest.raises(TuningConflictError, match="16 workers x 8 threads = 128 threads"):
        tuning.optimize({"threads_per_worker": 8})
    assert load_overrides(tuning.settings) == {"workers": 16}
    assert tuning.optimize({"workers": 8, "threads_per_worker": 8}).overrides == {
        "workers": 8,
        "threads_per_worker": 8,
    }


def test_thread_bands_cover_every_worker_count() -> None:
    limits = TuningLimits.of(TuningSettings())  # max_workers 16
    assert limits.thread_bands() == [
        (1, 1, 64),
        (2, 2, 32),
        (3, 3, 21),
        (4, 4, 16),
        (5, 5, 12),
        (6, 6, 10),
        (7, 7, 9),
        (8, 8, 8),
        (9, 9, 7),
        (10, 10, 6),
        (11, 12, 5),
        (13, 16, 4),
    ]
