"""Performance: the machine, the execution plan and why, recommendations, applying a new plan,
live load, per-job history and memory.

Everything here reads system facts or the store, so the routes are plain `def` (threadpool).
`POST /api/performance/optimize` hands its body to the tuning service
(`jobs.tuning_service.TuningService`), which checks it against the limits, saves it, makes it the
app's settings and retunes the pool from the next job on.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
from typing import Annotated

import psutil
from fastapi import APIRouter, Body, Query

from video_transcriber.api.deps import LiveDep, OwnerDep, SettingsDep, StoreDep, TuningDep
from video_transcriber.api.metrics import status_counts
from video_transcriber.api.performance_schemas import (
    CaptionsPublic,
    ChildProcess,
    HistoryItem,
    HistoryPublic,
    HistorySummary,
    LimitsPublic,
    LivePublic,
    MemoryNow,
    MemoryPublic,
    ModelMemory,
    OptimizationPublic,
    OptimizeRequest,
    OptimizeResult,
    PerformancePublic,
    PlanPublic,
    PoolPublic,
    ProcessTree,
    RecommendationPublic,
    SettingsPublic,
    SystemMemory,
    SystemPublic,
)
from video_transcriber.api.schemas import ErrorBody
from video_transcriber.domain import JobStatus
from video_transcriber.jobs.tracking import rss_bytes
from video_transcriber.tuning.facts import read_system_facts
from video_transcriber.tuning.memory import estimate_model_memory

CPU_SAMPLE_SECONDS = 0.2
"""`/live` measures CPU use over this long."""

router = APIRouter(tags=["performance"])


@router.get("/api/performance", response_model=PerformancePublic)
def performance(tuning: TuningDep, _owner: OwnerDep) -> PerformancePublic:
    """Current settings, the plan jobs run with, the optimal plan with reasons, system facts."""
    facts = tuning.facts()
    return PerformancePublic(
        settings=SettingsPublic.of(tuning.settings, tuning.overrides()),
        current_plan=PlanPublic.of(tuning.current_plan(facts)),
        optimal_plan=PlanPublic.of(tuning.optimal_plan(facts)),
        system=SystemPublic.of(facts),
        limits=LimitsPublic.of(tuning.limits),
    )


@router.get("/api/performance/optimization", response_model=OptimizationPublic)
def optimization(tuning: TuningDep, _owner: OwnerDep) -> OptimizationPublic:
    """Settings worth changing for this machine, with the reason for each."""
    facts = tuning.facts()
    current = tuning.current_plan(facts)
    advice = tuning.recommendations(facts, current)
    return OptimizationPublic(
        current_plan=PlanPublic.of(current),
        optimal_plan=PlanPublic.of(tuning.optimal_plan(facts)),
        recommendations=[RecommendationPublic.of(item) for item in advice],
        optimal=not advice,
        notes=tuning.notes(current),
    )


@router.post(
    "/api/performance/optimize",
    response_model=OptimizeResult,
    responses={409: {"model": ErrorBody}},
)
def optimize(
    tuning: TuningDep,
    _owner: OwnerDep,
    body: Annotated[OptimizeRequest | None, Body()] = None,
) -> OptimizeResult:
    """Apply the recommended plan (`{}`) or the given values; persisted, used for the next jobs.
    422 for a value out of the limits (`GET /api/performance` lists them), 409 for one that is
    within them alone but not with the saved values."""
    change = body.model_dump(exclude_unset=True) if body is not None else {}
    return OptimizeResult.of(tuning.optimize(change))


@router.get("/api/performance/live", response_model=LivePublic)
def live(tuning: TuningDep, store: StoreDep, engine: LiveDep, _owner: OwnerDep) -> LivePublic:
    """CPU and memory use now, the service's memory, running jobs and the queue, and the live
    caption streams with their latency."""
    per_cpu = psutil.cpu_percent(interval=CPU_SAMPLE_SECONDS, percpu=True)
    memory = psutil.virtual_memory()
    counts = status_counts(store)
    pool = tuning.pool()
    return LivePublic(
        cpu_percent=round(sum(per_cpu) / max(1, len(per_cpu)), 1),
        per_cpu_percent=per_cpu,
        load_average=list(os.getloadavg()),
        memory=MemoryNow(
            total_bytes=memory.total,
            available_bytes=memory.available,
            used_bytes=memory.total - memory.available,
            percent=memory.percent,
        ),
        process_rss_bytes=rss_bytes(),
        active_jobs=counts[JobStatus.RUNNING],
        queue_length=counts[JobStatus.QUEUED],
        pool=None if pool is None else PoolPublic(workers=pool[0], threads_per_worker=pool[1]),
        captions=CaptionsPublic.model_validate(dataclasses.asdict(engine.stats.snapshot())),
    )


@router.get("/api/performance/history", response_model=HistoryPublic)
def history(
    store: StoreDep,
    owner: OwnerDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> HistoryPublic:
    """Your recent jobs' metrics, newest first, with a summary of the finished ones."""
    jobs, total = store.list_jobs(owner=owner, limit=limit)
    rtfs = [j.metrics.rtf for j in jobs if j.status is JobStatus.COMPLETED and j.metrics.rtf]
    media = [j.duration or 0.0 for j in jobs if j.status is JobStatus.COMPLETED]
    return HistoryPublic(
        items=[HistoryItem.of(job) for job in jobs],
        total=total,
        summary=HistorySummary(
            completed=len(media),
            media_seconds=round(sum(media), 3),
            mean_rtf=round(statistics.fmean(rtfs), 4) if rtfs else None,
            median_rtf=round(statistics.median(rtfs), 4) if rtfs else None,
        ),
    )


@router.get("/api/memory", response_model=MemoryPublic)
def memory(settings: SettingsDep, _owner: OwnerDep) -> MemoryPublic:
    """System memory (cgroup-aware) and the service's process tree, worker by worker."""
    facts = read_system_facts()
    virtual, swap = psutil.virtual_memory(), psutil.swap_memory()
    estimate = estimate_model_memory(settings.model.name, settings.model.compute_type)
    return MemoryPublic(
        system=SystemMemory(
            total_bytes=facts.total_memory_bytes,
            available_bytes=facts.available_memory_bytes,
            host_total_bytes=virtual.total,
            host_available_bytes=virtual.available,
            percent=virtual.percent,
            swap_total_bytes=swap.total,
            swap_used_bytes=swap.used,
            cgroup_limit_bytes=facts.cgroup_memory_limit,
        ),
        process=_process_tree(),
        model=ModelMemory(
            name=settings.model.name,
            per_worker_estimate_bytes=estimate.bytes,
            basis=estimate.basis,
        ),
    )


def _process_tree() -> ProcessTree:
    """This process and every process below it (workers that exit meanwhile are left out)."""
    main = psutil.Process()
    children: list[ChildProcess] = []
    for child in main.children(recursive=True):
        try:
            rss = child.memory_info().rss
            children.append(ChildProcess(pid=child.pid, name=child.name(), rss_bytes=rss))
        except psutil.Error:
            continue
    main_rss = main.memory_info().rss
    return ProcessTree(
        pid=main.pid,
        rss_bytes=main_rss,
        children=children,
        total_rss_bytes=main_rss + sum(child.rss_bytes for child in children),
    )
