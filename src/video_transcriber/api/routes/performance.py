"""Performance: the machine, the execution plan and why, recommendations, applying a new plan,
live load, per-job history and memory.

Everything here reads system facts or the store, so the routes are plain `def` (threadpool).
`POST /api/performance/optimize` persists its values (`jobs.tunable`), puts them into the app's
settings and hands them to the tunable runner, which uses them from the next job on.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import threading
from typing import Annotated, Any

import psutil
from fastapi import APIRouter, Body, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from video_transcriber.api.deps import OwnerDep, SettingsDep, StoreDep
from video_transcriber.api.metrics import status_counts
from video_transcriber.config import Settings
from video_transcriber.domain import JobStatus
from video_transcriber.jobs.job import Job
from video_transcriber.jobs.tracking import rss_bytes
from video_transcriber.jobs.tunable import (
    TUNABLE_FIELDS,
    TunableRunner,
    load_overrides,
    save_overrides,
    with_overrides,
)
from video_transcriber.tuning.facts import SystemFacts, read_system_facts
from video_transcriber.tuning.memory import estimate_model_memory
from video_transcriber.tuning.plan import ExecutionPlan, plan, recommendations

MAX_TOTAL_THREADS = 64
"""Workers x threads per worker may not exceed this, whatever the machine."""
MIN_CHUNK_SECONDS = 5.0
CPU_SAMPLE_SECONDS = 0.2
"""`/live` measures CPU use over this long."""

router = APIRouter(tags=["performance"])
_apply_lock = threading.Lock()


class OptimizeRequest(BaseModel):
    """Values to use from the next job on; send `{}` to apply the recommended plan."""

    model_config = ConfigDict(extra="forbid")

    workers: int | None = Field(default=None, ge=1, le=64, description="Worker processes.")
    threads_per_worker: int | None = Field(default=None, ge=1, le=64)
    chunk_seconds: float | None = Field(default=None, ge=MIN_CHUNK_SECONDS, le=3600.0)
    batch_size: int | None = Field(default=None, ge=1, le=64)


class OptimizeResult(BaseModel):
    overrides: dict[str, Any] = Field(description="Persisted values; null means automatic.")
    plan: dict[str, Any] = Field(description="The plan new jobs run with, and why.")
    pool_restarted: bool
    jobs_on_old_pool: int = Field(description="Running jobs finishing on the replaced pool.")
    message: str


def _facts_dict(facts: SystemFacts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in facts.__dataclass_fields__}


def _tunable(request: Request) -> TunableRunner | None:
    tunable: TunableRunner | None = getattr(request.app.state, "tunable", None)
    return tunable


def _current_plan(request: Request, settings: Settings, facts: SystemFacts) -> ExecutionPlan:
    tunable = _tunable(request)
    if tunable is not None:
        return tunable.plan
    return plan(facts, None, settings.tuning, settings.model)


def _optimal_plan(settings: Settings, facts: SystemFacts) -> ExecutionPlan:
    """The plan for this machine with no forced values (only the limits kept)."""
    automatic = with_overrides(settings, dict.fromkeys(TUNABLE_FIELDS))
    return plan(facts, None, automatic.tuning, settings.model)


def _settings_dict(settings: Settings) -> dict[str, Any]:
    tuning, model = settings.tuning, settings.model
    return {
        **{name: getattr(tuning, name) for name in TUNABLE_FIELDS},
        "min_workers": tuning.min_workers,
        "max_workers": tuning.max_workers,
        "max_chunk_seconds": tuning.max_chunk_seconds,
        "max_running_jobs": settings.service.max_running_jobs,
        "model": model.name,
        "device": model.device,
        "compute_type": model.compute_type,
        "beam_size": model.beam_size,
        "overrides": load_overrides(settings),
    }


@router.get("/api/performance")
def performance(request: Request, settings: SettingsDep, _owner: OwnerDep) -> dict[str, Any]:
    """Current settings, the plan jobs run with, the optimal plan with reasons, system facts."""
    facts = read_system_facts()
    return {
        "settings": _settings_dict(settings),
        "current_plan": _current_plan(request, settings, facts).to_dict(),
        "optimal_plan": _optimal_plan(settings, facts).to_dict(),
        "system": _facts_dict(facts),
        "limits": _limits(settings),
    }


@router.get("/api/performance/optimization")
def optimization(request: Request, settings: SettingsDep, _owner: OwnerDep) -> dict[str, Any]:
    """Settings worth changing for this machine, with the reason for each."""
    facts = read_system_facts()
    current = _current_plan(request, settings, facts)
    advice = recommendations(facts, current, settings.tuning, settings.model)
    return {
        "current_plan": current.to_dict(),
        "optimal_plan": _optimal_plan(settings, facts).to_dict(),
        "recommendations": [
            {
                "setting": item.setting,
                "current": item.current,
                "recommended": item.recommended,
                "reason": item.reason,
                "env_var": item.env_var,
            }
            for item in advice
        ],
        "optimal": not advice,
    }


def _limits(settings: Settings) -> dict[str, Any]:
    return {
        "workers": [1, settings.tuning.max_workers],
        "threads_per_worker": [1, MAX_TOTAL_THREADS],
        "total_threads": MAX_TOTAL_THREADS,
        "chunk_seconds": [MIN_CHUNK_SECONDS, settings.tuning.max_chunk_seconds],
        "batch_size": [1, 64],
    }


def _check_limits(values: dict[str, Any], settings: Settings) -> None:
    """422 for values the service's own limits rule out (the body model checks the rest)."""
    problems = []
    workers, threads = values.get("workers"), values.get("threads_per_worker")
    if workers is not None and workers > settings.tuning.max_workers:
        problems.append(
            f"workers={workers} exceeds max_workers={settings.tuning.max_workers} "
            "(raise VT_TUNING__MAX_WORKERS to allow more)"
        )
    chunk = values.get("chunk_seconds")
    if chunk is not None and chunk > settings.tuning.max_chunk_seconds:
        problems.append(
            f"chunk_seconds={chunk:g} exceeds max_chunk_seconds="
            f"{settings.tuning.max_chunk_seconds:g}"
        )
    if workers is not None and threads is not None and workers * threads > MAX_TOTAL_THREADS:
        problems.append(
            f"{workers} workers x {threads} threads = {workers * threads} threads; "
            f"at most {MAX_TOTAL_THREADS} in total"
        )
    if problems:
        raise HTTPException(
            422,
            "Out of limits: " + "; ".join(problems) + ". GET /api/performance lists the limits.",
        )


def _requested_overrides(body: OptimizeRequest, settings: Settings) -> dict[str, Any]:
    """The overrides to persist: the optimal plan for `{}`, else the given values merged in."""
    given = body.model_dump(exclude_unset=True)
    if not given:
        best = _optimal_plan(settings, read_system_facts())
        return {
            "workers": best.workers,
            "threads_per_worker": best.threads_per_worker,
            "batch_size": best.batch_size,
            "chunk_seconds": None,  # the planner fits chunks to each file's length
        }
    overrides = {**load_overrides(settings), **given}
    _check_limits(
        {
            name: overrides.get(name, getattr(settings.tuning, name))
            for name in ("workers", "threads_per_worker")
        }
        | {"chunk_seconds": overrides.get("chunk_seconds")},
        settings,
    )
    return overrides


@router.post("/api/performance/optimize", response_model=OptimizeResult)
def optimize(
    request: Request,
    settings: SettingsDep,
    _owner: OwnerDep,
    body: Annotated[OptimizeRequest | None, Body()] = None,
) -> OptimizeResult:
    """Apply the recommended plan (`{}`) or the given values; persisted, used for the next jobs."""
    with _apply_lock:
        overrides = _requested_overrides(body or OptimizeRequest(), settings)
        try:
            tuned = with_overrides(settings, overrides)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        save_overrides(tuned, overrides)
        request.app.state.settings = tuned
        tunable = _tunable(request)
        if tunable is None:
            return OptimizeResult(
                overrides=overrides,
                plan=plan(read_system_facts(), None, tuned.tuning, tuned.model).to_dict(),
                pool_restarted=False,
                jobs_on_old_pool=0,
                message="Saved; this service runs jobs without a local pool to retune.",
            )
        applied = tunable.apply(tuned)
    if applied.pool_restarted and applied.old_pool_busy:
        message = (
            "Saved. New jobs use a new worker pool; the old one closes when its "
            f"{applied.old_pool_busy} running job(s) finish."
        )
    elif applied.pool_restarted:
        message = "Saved. The worker pool was restarted with the new plan."
    else:
        message = "Saved. The next jobs use the new values (the worker pool stays as it is)."
    return OptimizeResult(
        overrides=overrides,
        plan=applied.plan.to_dict(),
        pool_restarted=applied.pool_restarted,
        jobs_on_old_pool=applied.old_pool_busy,
        message=message,
    )


@router.get("/api/performance/live")
def live(request: Request, store: StoreDep, _owner: OwnerDep) -> dict[str, Any]:
    """CPU and memory use now, the service's memory, running jobs and the queue."""
    per_cpu = psutil.cpu_percent(interval=CPU_SAMPLE_SECONDS, percpu=True)
    memory = psutil.virtual_memory()
    counts = status_counts(store)
    tunable = _tunable(request)
    return {
        "cpu_percent": round(sum(per_cpu) / max(1, len(per_cpu)), 1),
        "per_cpu_percent": per_cpu,
        "load_average": list(os.getloadavg()),
        "memory": {
            "total_bytes": memory.total,
            "available_bytes": memory.available,
            "used_bytes": memory.total - memory.available,
            "percent": memory.percent,
        },
        "process_rss_bytes": rss_bytes(),
        "active_jobs": counts[JobStatus.RUNNING],
        "queue_length": counts[JobStatus.QUEUED],
        "pool": None
        if tunable is None
        else {
            "workers": tunable.plan.workers,
            "threads_per_worker": tunable.plan.threads_per_worker,
        },
    }


def _history_item(job: Job) -> dict[str, Any]:
    m = job.metrics
    return {
        "id": job.id,
        "name": job.name,
        "status": job.status.value,
        "duration": job.duration,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "metrics": dataclasses.asdict(m),
    }


@router.get("/api/performance/history")
def history(
    store: StoreDep,
    owner: OwnerDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Your recent jobs' metrics, newest first, with a summary of the finished ones."""
    jobs, total = store.list_jobs(owner=owner, limit=limit)
    rtfs = [j.metrics.rtf for j in jobs if j.status is JobStatus.COMPLETED and j.metrics.rtf]
    media = [j.duration or 0.0 for j in jobs if j.status is JobStatus.COMPLETED]
    return {
        "items": [_history_item(job) for job in jobs],
        "total": total,
        "summary": {
            "completed": len(media),
            "media_seconds": round(sum(media), 3),
            "mean_rtf": round(statistics.fmean(rtfs), 4) if rtfs else None,
            "median_rtf": round(statistics.median(rtfs), 4) if rtfs else None,
        },
    }


@router.get("/api/memory")
def memory(settings: SettingsDep, _owner: OwnerDep) -> dict[str, Any]:
    """System memory (cgroup-aware) and the service's process tree, worker by worker."""
    facts = read_system_facts()
    virtual, swap = psutil.virtual_memory(), psutil.swap_memory()
    main = psutil.Process()
    children: list[dict[str, Any]] = []
    children_rss = 0
    for child in main.children(recursive=True):
        try:
            rss = child.memory_info().rss
            children.append({"pid": child.pid, "name": child.name(), "rss_bytes": rss})
        except psutil.Error:
            continue
        children_rss += rss
    main_rss = main.memory_info().rss
    estimate = estimate_model_memory(settings.model.name, settings.model.compute_type)
    return {
        "system": {
            "total_bytes": facts.total_memory_bytes,
            "available_bytes": facts.available_memory_bytes,
            "host_total_bytes": virtual.total,
            "host_available_bytes": virtual.available,
            "percent": virtual.percent,
            "swap_total_bytes": swap.total,
            "swap_used_bytes": swap.used,
            "cgroup_limit_bytes": facts.cgroup_memory_limit,
        },
        "process": {
            "pid": main.pid,
            "rss_bytes": main_rss,
            "children": children,
            "total_rss_bytes": main_rss + children_rss,
        },
        "model": {
            "name": settings.model.name,
            "per_worker_estimate_bytes": estimate.bytes,
            "basis": estimate.basis,
        },
    }
