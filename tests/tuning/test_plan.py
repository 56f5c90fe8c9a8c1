"""plan / recommendations with synthetic machines: CPUs, memory, quotas, overrides, media.

Expected values are literal numbers, not the planner's own constants: a changed table must show
up here as a failing test, to be updated on purpose.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from video_transcriber.config import ModelSettings, TuningSettings
from video_transcriber.tuning.facts import SystemFacts
from video_transcriber.tuning.memory import estimate_model_memory, local_model_bin_bytes
from video_transcriber.tuning.plan import ExecutionPlan, MediaFacts, plan, recommendations

MB = 1024**2
GB = 1024**3
TINY = ModelSettings()
LARGE = ModelSettings(name="large-v3")
DEFAULTS = TuningSettings()


def machine(
    cpus: int, memory_gb: float, *, usable: int | None = None, **extra: object
) -> SystemFacts:
    total = int(memory_gb * GB)
    return SystemFacts(
        logical_cpus=cpus,
        usable_cpus=usable if usable is not None else cpus,
        total_memory_bytes=total,
        available_memory_bytes=int(total * 0.9),
        **extra,  # type: ignore[arg-type]
    )


def per_worker(model: ModelSettings) -> int:
    return estimate_model_memory(model.name, model.compute_type).bytes


@pytest.mark.parametrize(
    ("cpus", "memory_gb", "model", "media"),
    list(
        itertools.product(
            [1, 2, 16, 64],
            [2, 8, 64],
            [TINY, ModelSettings(name="small.en"), LARGE],
            [None, MediaFacts(20.0), MediaFacts(600.0, 500.0), MediaFacts(3 * 3600.0)],
        )
    ),
)
def test_sanity_across_machines(
    cpus: int, memory_gb: float, model: ModelSettings, media: MediaFacts | None
) -> None:
    facts = machine(cpus, memory_gb)
    result = plan(facts, media, DEFAULTS, model)
    assert result.workers >= 1 and result.threads_per_worker >= 1
    assert result.workers * result.threads_per_worker <= cpus  # never oversubscribed
    assert result.workers <= 16  # max_workers
    fits = int(facts.available_memory_bytes * 0.8 // per_worker(model))  # 20 % headroom
    assert result.workers <= max(1, fits)  # memory respected
    assert 0 < result.chunk_seconds <= 600
    assert result.batch_size == 4
    assert result.reasons and all(r.endswith(".") for r in result.reasons)
    assert not any(r.startswith("Warning") for r in result.reasons)


def test_one_cpu_gets_one_worker_and_says_why_min_workers_was_not_honoured() -> None:
    result = plan(machine(1, 8), None, DEFAULTS, TINY)
    assert (result.workers, result.threads_per_worker) == (1, 1)
    assert any("min_workers=2 was not honoured" in r and "CPUs" in r for r in result.reasons)


def test_two_cpus() -> None:
    result = plan(machine(2, 8), None, DEFAULTS, TINY)
    assert (result.workers, result.threads_per_worker) == (2, 1)


def test_sixteen_cpus_use_every_cpu() -> None:
    result = plan(machine(16, 64), None, DEFAULTS, TINY)
    assert (result.workers, result.threads_per_worker) == (8, 2)


def test_sixty_four_cpus_hit_max_workers_and_the_sweet_spot() -> None:
    result = plan(machine(64, 64), None, DEFAULTS, TINY)
    assert (result.workers, result.threads_per_worker) == (16, 4)


def test_threads_stop_growing_where_they_stop_helping() -> None:
    result = plan(machine(256, 512), None, DEFAULTS, TINY)
    assert (result.workers, result.threads_per_worker) == (16, 8)


def test_cgroup_quota_of_one_and_a_half_cpus_on_a_sixteen_cpu_host() -> None:
    facts = machine(16, 64, usable=1, cgroup_cpu_quota=1.5)
    result = plan(facts, MediaFacts(3600.0), DEFAULTS, TINY)
    assert (result.workers, result.threads_per_worker) == (1, 1)
    assert "quota is 1.5" in result.reasons[0]


def test_memory_caps_workers_and_spare_cpus_become_threads() -> None:
    result = plan(machine(16, 8), None, DEFAULTS, LARGE)  # 7.2 GB available, 3.5 GB per worker
    assert (result.workers, result.threads_per_worker) == (1, 8)
    assert any("Memory limits this to 1 worker" in r for r in result.reasons)
    assert any("memory allow only 1" in r for r in result.reasons)


def test_too_little_memory_for_even_one_worker_still_plans_one_and_warns() -> None:
    result = plan(machine(4, 2), None, DEFAULTS, LARGE)
    assert result.workers == 1
    assert any("out-of-memory" in r for r in result.reasons)


def test_explicit_overrides_win_and_say_so() -> None:
    settings = TuningSettings(workers=3, threads_per_worker=2, chunk_seconds=90, batch_size=4)
    result = plan(machine(16, 64), MediaFacts(3600.0), settings, TINY)
    assert (result.workers, result.threads_per_worker) == (3, 2)
    assert (result.chunk_seconds, result.batch_size) == (90, 4)
    text = " ".join(result.reasons)
    assert "workers=3 and threads_per_worker=2 was set explicitly" in text
    assert "chunk_seconds was set explicitly" in text
    assert "batch_size was set explicitly" in text
    assert "Warning" not in text


def test_oversubscribing_override_is_kept_with_a_warning() -> None:
    result = plan(machine(2, 8), None, TuningSettings(workers=4, threads_per_worker=2), TINY)
    assert (result.workers, result.threads_per_worker) == (4, 2)
    assert any(r.startswith("Warning") and "oversubscribes" in r for r in result.reasons)


def test_workers_override_alone_splits_the_cpus() -> None:
    result = plan(machine(16, 64), None, TuningSettings(workers=4), TINY)
    assert (result.workers, result.threads_per_worker) == (4, 4)


def test_threads_override_alone_picks_workers_to_fit() -> None:
    result = plan(machine(16, 64), None, TuningSettings(threads_per_worker=8), TINY)
    assert (result.workers, result.threads_per_worker) == (2, 8)


def test_workers_override_beyond_memory_warns() -> None:
    result = plan(machine(64, 8), None, TuningSettings(workers=8), LARGE)
    assert result.workers == 8
    assert any("out-of-memory" in r for r in result.reasons)


def test_long_media_gets_several_chunks_per_worker() -> None:
    result = plan(machine(16, 64), MediaFacts(3 * 3600.0), DEFAULTS, TINY)
    assert (result.workers, result.chunk_seconds) == (8, 150.0)  # 72 chunks, 9 per worker


@pytest.mark.parametrize("duration", [20.0, 200.0, 600.0, 3600.0, 3 * 3600.0])
def test_chunk_length_does_not_depend_on_the_worker_count(duration: float) -> None:
    """The same file must be cut the same way, so its transcript is the same, on any machine."""
    lengths = {
        plan(machine(cpus, 64), MediaFacts(duration), DEFAULTS, TINY).chunk_seconds
        for cpus in (1, 2, 4, 16, 64)
    }
    lengths |= {
        plan(machine(8, 64), MediaFacts(duration), TuningSettings(workers=n), TINY).chunk_seconds
        for n in (1, 2, 3)
    }
    assert len(lengths) == 1


def test_very_long_media_caps_chunks_at_the_maximum() -> None:
    result = plan(machine(2, 8), MediaFacts(10 * 3600.0), DEFAULTS, TINY)
    assert result.chunk_seconds == 150.0
    low_max = TuningSettings(max_chunk_seconds=120)
    assert plan(machine(2, 8), MediaFacts(36000.0), low_max, TINY).chunk_seconds == 120


def test_short_media_is_cut_into_whisper_sized_chunks() -> None:
    result = plan(machine(4, 8), MediaFacts(200.0), DEFAULTS, TINY)
    assert result.workers == 4
    assert result.chunk_seconds == pytest.approx(60.0)


def test_tiny_media_is_a_single_chunk_on_fewer_workers_with_more_threads() -> None:
    result = plan(machine(16, 64), MediaFacts(20.0), DEFAULTS, TINY)
    assert result.chunk_seconds == pytest.approx(20.0)
    assert (result.workers, result.threads_per_worker) == (2, 8)
    assert any("only 1 chunk" in r for r in result.reasons)


def test_unknown_media_length_uses_the_default_chunk() -> None:
    assert plan(machine(4, 8), None, DEFAULTS, TINY).chunk_seconds == 120.0


def test_cuda_plans_one_worker_with_batching() -> None:
    result = plan(machine(16, 64), MediaFacts(3600.0), DEFAULTS, ModelSettings(device="cuda"))
    assert result.workers == 1
    assert result.batch_size == 8
    assert any("GPU" in r for r in result.reasons)


def test_to_dict_round_trips() -> None:
    result = plan(machine(2, 8), None, DEFAULTS, TINY)
    data = result.to_dict()
    assert data["workers"] == result.workers and data["reasons"] == result.reasons
    assert ExecutionPlan(**data) == result  # type: ignore[arg-type]


# --- model memory -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "megabytes"),
    [
        ("tiny.en", 450),
        ("base", 640),
        ("Systran/faster-whisper-small.en", 1000),
        ("medium.en", 1600),
        ("large-v3", 3500),
        ("distil-large-v3", 1800),
        ("large-v3-turbo", 1800),
    ],
)
def test_model_memory_table(name: str, megabytes: int) -> None:
    assert estimate_model_memory(name).bytes == megabytes * MB


def test_unknown_models_are_assumed_large_and_float32_costs_more() -> None:
    assert estimate_model_memory("my-model").bytes == 3500 * MB
    assert estimate_model_memory("tiny", "float32").bytes == 1350 * MB


def test_local_model_directory_is_sized_from_model_bin(tmp_path: Path) -> None:
    with (tmp_path / "model.bin").open("wb") as handle:
        handle.truncate(400 * MB)  # sparse: no disk used
    assert local_model_bin_bytes(str(tmp_path)) == 400 * MB
    assert local_model_bin_bytes(str(tmp_path / "missing")) is None
    assert estimate_model_memory("x", model_bin_bytes=400 * MB).bytes == 700 * MB  # 1.5x + 100
    result = plan(machine(16, 2), None, DEFAULTS, ModelSettings(name=str(tmp_path)))
    assert result.workers == 2  # 1.84 GB available, 20 % headroom: 1.47 GB for 700 MB each
    assert any("model.bin is 400 MB" in r for r in result.reasons)


# --- recommendations --------------------------------------------------------------------------


def test_no_recommendations_for_the_automatic_plan() -> None:
    facts = machine(16, 64)
    assert recommendations(facts, plan(facts, None, DEFAULTS, TINY), DEFAULTS, TINY) == []


def test_recommendations_for_an_oversubscribed_plan() -> None:
    facts = machine(4, 8)
    current = ExecutionPlan(workers=8, threads_per_worker=2, chunk_seconds=900, batch_size=16)
    found = {r.setting: r for r in recommendations(facts, current, DEFAULTS, TINY)}
    assert found["tuning.workers"].recommended == 4
    assert "oversubscribe" in found["tuning.workers"].reason
    assert found["tuning.threads_per_worker"].recommended == 1
    assert found["tuning.batch_size"].recommended == 4
    assert found["tuning.chunk_seconds"].recommended == 600
    assert found["tuning.workers"].env_var == "VT_TUNING__WORKERS"
    assert all(r.reason.endswith(".") for r in found.values())
