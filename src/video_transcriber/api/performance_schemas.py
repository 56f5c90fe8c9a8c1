"""Bodies of the performance API: the optimize request, and what every performance route answers.

`OptimizeRequest` takes each field's range from `TuningSettings` itself (`field_bounds`), so the
static limits are written once; the settings' own caps (`max_workers`, `max_chunk_seconds`) and
the total-threads rule depend on the running service and are checked by
`jobs.tuning_service.TuningLimits` (and stated in the OpenAPI document by `api.openapi`).
Conversions from plain data (plans, system facts, jobs) live here, so the routes stay thin.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from video_transcriber.api.schemas import MetricsPublic, integral
from video_transcriber.config import Settings
from video_transcriber.domain import JobStatus
from video_transcriber.jobs.tunable import TUNABLE_FIELDS, TunableField
from video_transcriber.jobs.tuning_service import Optimized, TuningLimits, field_bounds
from video_transcriber.store.job import Job
from video_transcriber.tuning.facts import SystemFacts
from video_transcriber.tuning.plan import ExecutionPlan, Recommendation

Overrides = dict[TunableField, int | float | None]
"""Saved values; a field missing is not overridden, null means "let the planner decide"."""


def _tunable(name: str, description: str) -> Any:
    low, high = field_bounds(name)
    return Field(default=None, ge=low, le=high, description=description)


class OptimizeRequest(BaseModel):
    """Values to use from the next job on; send `{}` to apply the recommended plan. Null means
    "let the planner decide"; a field left out keeps its saved value."""

    model_config = ConfigDict(extra="forbid", strict=True)  # `true` and `"4"` are not numbers

    workers: int | None = _tunable("workers", "Worker processes (at most `max_workers`).")
    threads_per_worker: int | None = _tunable(
        "threads_per_worker", "Threads in each worker; workers x threads at most `total_threads`."
    )
    chunk_seconds: float | None = _tunable(
        "chunk_seconds", "Target chunk length (at most `max_chunk_seconds`)."
    )
    batch_size: int | None = _tunable("batch_size", "Decode windows batched together.")

    _whole_numbers = field_validator("workers", "threads_per_worker", "batch_size", mode="before")(
        integral
    )


class PlanPublic(BaseModel):
    """How jobs run, and why, one sentence per reason."""

    workers: int
    threads_per_worker: int
    chunk_seconds: float
    batch_size: int
    reasons: list[str]

    @classmethod
    def of(cls, execution: ExecutionPlan) -> PlanPublic:
        return cls.model_validate(execution.to_dict())


class OptimizeResult(BaseModel):
    overrides: Overrides = Field(description="Persisted values; null means automatic.")
    plan: PlanPublic = Field(description="The plan new jobs run with, and why.")
    pool_restarted: bool
    jobs_on_old_pool: int = Field(description="Running jobs finishing on the replaced pool.")
    message: str

    @classmethod
    def of(cls, done: Optimized) -> OptimizeResult:
        return cls.model_validate(done, from_attributes=True)


class SettingsPublic(BaseModel):
    """The tuning values in force (null: automatic), their bounds, and the model."""

    workers: int | None
    threads_per_worker: int | None
    chunk_seconds: float | None
    batch_size: int | None
    min_workers: int
    max_workers: int
    max_chunk_seconds: float
    max_running_jobs: int
    model: str
    device: str
    compute_type: str
    beam_size: int
    overrides: Overrides = Field(description="Values applied via POST /api/performance/optimize.")

    @classmethod
    def of(cls, settings: Settings, overrides: Mapping[str, Any]) -> SettingsPublic:
        tuning, model = settings.tuning, settings.model
        return cls.model_validate(
            {
                **tuning.model_dump(include=set[str](TUNABLE_FIELDS)),
                "min_workers": tuning.min_workers,
                "max_workers": tuning.max_workers,
                "max_chunk_seconds": tuning.max_chunk_seconds,
                "max_running_jobs": settings.service.max_running_jobs,
                "model": model.name,
                "device": model.device,
                "compute_type": model.compute_type,
                "beam_size": model.beam_size,
                "overrides": overrides,
            }
        )


class SystemPublic(BaseModel):
    """CPUs and memory this process can use (cgroup-aware), and where each number came from."""

    logical_cpus: int
    usable_cpus: int
    total_memory_bytes: int
    available_memory_bytes: int
    cgroup_cpu_quota: float | None
    cgroup_memory_limit: int | None
    notes: list[str]

    @classmethod
    def of(cls, facts: SystemFacts) -> SystemPublic:
        return cls.model_validate(dataclasses.asdict(facts))


class LimitsPublic(BaseModel):
    """What POST /api/performance/optimize accepts: `[lowest, highest]` for each value."""

    workers: tuple[int, int]
    threads_per_worker: tuple[int, int]
    total_threads: int = Field(description="Most workers x threads_per_worker.")
    chunk_seconds: tuple[float, float]
    batch_size: tuple[int, int]

    @classmethod
    def of(cls, limits: TuningLimits) -> LimitsPublic:
        return cls.model_validate(dataclasses.asdict(limits))


class PerformancePublic(BaseModel):
    settings: SettingsPublic
    current_plan: PlanPublic = Field(description="The plan jobs run with.")
    optimal_plan: PlanPublic = Field(description="The plan with nothing forced.")
    system: SystemPublic
    limits: LimitsPublic


class RecommendationPublic(BaseModel):
    setting: str = Field(description="Dotted settings path, e.g. `tuning.workers`.")
    current: Any
    recommended: Any
    reason: str
    env_var: str = Field(description="The environment variable that sets it.")

    @classmethod
    def of(cls, item: Recommendation) -> RecommendationPublic:
        return cls.model_validate(item, from_attributes=True)


class OptimizationPublic(BaseModel):
    current_plan: PlanPublic
    optimal_plan: PlanPublic
    recommendations: list[RecommendationPublic]
    optimal: bool = Field(description="True when there is nothing to change.")
    notes: list[str] = Field(
        default_factory=list,
        description="Observations such as drift: recent jobs markedly slower or faster than "
        "this machine's calibration.",
    )


class MemoryNow(BaseModel):
    total_bytes: int
    available_bytes: int
    used_bytes: int
    percent: float


class PoolPublic(BaseModel):
    workers: int
    threads_per_worker: int


class CaptionsPublic(BaseModel):
    """Live captions (`GET /api/live`): streams, and recent latencies (the last 2000 values)."""

    active_streams: int
    streams_total: int = Field(description="Streams opened since the service started.")
    finals_total: int
    final_latency_median: float | None = Field(
        description="Seconds from receiving a final's last audio to sending the final."
    )
    final_latency_p95: float | None
    partial_interval_median: float | None = Field(
        description="Seconds between two captions of a stream during speech."
    )
    decode_seconds_median: float | None


class LivePublic(BaseModel):
    cpu_percent: float
    per_cpu_percent: list[float]
    load_average: list[float]
    memory: MemoryNow
    process_rss_bytes: int = Field(description="The service and its workers.")
    active_jobs: int
    queue_length: int
    pool: PoolPublic | None = Field(description="The local worker pool; null without one.")
    captions: CaptionsPublic | None = Field(
        default=None, description="Live caption streams and their latency."
    )


class HistoryItem(BaseModel):
    id: str
    name: str
    status: JobStatus
    duration: float | None
    created_at: datetime
    finished_at: datetime | None
    metrics: MetricsPublic

    @classmethod
    def of(cls, job: Job) -> HistoryItem:
        return cls.model_validate(job, from_attributes=True)


class HistorySummary(BaseModel):
    completed: int
    media_seconds: float
    mean_rtf: float | None
    median_rtf: float | None


class HistoryPublic(BaseModel):
    items: list[HistoryItem] = Field(description="Newest first.")
    total: int
    summary: HistorySummary = Field(description="Over the completed jobs among `items`.")


class SystemMemory(BaseModel):
    total_bytes: int
    available_bytes: int
    host_total_bytes: int
    host_available_bytes: int
    percent: float
    swap_total_bytes: int
    swap_used_bytes: int
    cgroup_limit_bytes: int | None


class ChildProcess(BaseModel):
    pid: int
    name: str
    rss_bytes: int


class ProcessTree(BaseModel):
    pid: int
    rss_bytes: int
    children: list[ChildProcess]
    total_rss_bytes: int


class ModelMemory(BaseModel):
    name: str
    per_worker_estimate_bytes: int
    basis: str


class MemoryPublic(BaseModel):
    system: SystemMemory
    process: ProcessTree
    model: ModelMemory
