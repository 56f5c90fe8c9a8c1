"""System facts + media + settings → an execution plan, with the reasons written out (pure).

Throughput on CPU comes from running chunks in parallel worker processes, each with its own
model and a few CTranslate2 threads. CTranslate2 scales well with threads up to about
`THREADS_SWEET_SPOT` per sequence and gains little beyond `MAX_USEFUL_THREADS`, so the planner
prefers more workers with few threads, and only adds threads once workers hit their limit.
It never plans more threads in total than usable CPUs (oversubscription makes every worker slower),
and never more workers than memory holds with `MEMORY_HEADROOM` to spare. Explicit overrides in
`TuningSettings` always win; the reasons say when they oversubscribe.

Every constant here is a starting point; the coordinator tunes them from benchmark measurements.
The only look-up outside the arguments is `local_model_bin_bytes` when the model name is a local
directory and the caller passed no `model_bin_bytes`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from video_transcriber.config import ModelSettings, TuningSettings
from video_transcriber.tuning.facts import SystemFacts
from video_transcriber.tuning.measured import (
    Measurements,
    applicable,
    batch_sentence,
    formula_note,
    measured_choice,
    worker_memory,
)
from video_transcriber.tuning.memory import MB, ModelMemory

THREADS_SWEET_SPOT = 4
"""Threads per worker beyond which adding workers pays off more than adding threads."""
MAX_USEFUL_THREADS = 8
"""Threads per worker beyond which CTranslate2 decoding barely speeds up."""
MEMORY_HEADROOM = 0.20
"""Share of available memory kept free for the OS, the service, decoding and page cache."""
CHUNKS_PER_MEDIA = 6
"""Media is cut into about this many chunks (more once chunks reach `MAX_CHUNK_SECONDS`). The count
does not depend on the number of workers, so the same file is cut the same way (and gives the
same text) with 1 or 16 workers. Measured on a 10-minute lecture with 2 workers: 8 chunks of
~76 s cost about one extra encoder pass per chunk against 6 of ~100 s, for no better balance; since
the encoder sees only a window's audio (session 3), 6, 8, 10 and 15 chunks were within the noise
of one another (9.5-12 s), so 6 stays."""
MIN_CHUNK_SECONDS = 60.0
"""Shortest planned chunk for long media: each chunk ends in a part-filled 22 s decode window,
and each chunk is a hand-over to a worker and a checkpoint, so shorter chunks buy nothing."""
MAX_CHUNK_SECONDS = 150.0
"""Longest planned chunk. Measured (bench/run_all.py): with chunks growing to 600 s a worker held
~75 MB more, and peak RSS of a 60-minute lecture was 1117 MB against 735 MB for 10 minutes; at
<= 150 s, peak memory no longer grows with duration. The seed's ~450 s chunks for a 1 h video
bought nothing in speed (a chunk is only a work unit; decoding happens in 22 s windows)."""
SHORT_CHUNK_SECONDS = 30.0
"""Short media is split into chunks of at least one Whisper window (30 s)."""
DEFAULT_CHUNK_SECONDS = 120.0
"""Chunk length when the media length is not known (a service pool planned before any job)."""
CPU_BATCH_SIZE = 4
"""Decode windows batched together on CPU. Measured (bench/engine_accuracy.py, 10-minute
lecture, tiny.en int8 beam 5, one thread): beam search over 4 windows at once took 12.1 s of
decoder time against 17.0 s one window at a time, and 8 windows 11.9 s; the encoder costs the
same per window either way. Windows are all ~30 s of encoder input, so there is no padding
waste; 4 keeps a 2-3 minute chunk's windows in one or two batches."""
GPU_BATCH_SIZE = 8
"""On a GPU, decoding several 30 s windows at once keeps the device busy."""


@dataclass(frozen=True, slots=True)
class MediaFacts:
    """What the planner knows about the media: its length and, after VAD, how much is speech."""

    duration: float
    speech_seconds: float | None = None


@dataclass(slots=True)
class ExecutionPlan:
    """How a job runs: worker processes, threads in each, chunk length, batch size, and why."""

    workers: int
    threads_per_worker: int
    chunk_seconds: float
    batch_size: int
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A setting worth changing: what it is now, what would suit this machine, and why."""

    setting: str
    """Dotted settings path, e.g. `tuning.workers`."""
    current: object
    recommended: object
    reason: str

    @property
    def env_var(self) -> str:
        """The environment variable that sets it, e.g. `VT_TUNING__WORKERS`."""
        return "VT_" + self.setting.upper().replace(".", "__")


def plan(
    facts: SystemFacts,
    media: MediaFacts | None,
    settings: TuningSettings,
    model: ModelSettings,
    *,
    model_bin_bytes: int | None = None,
    measurements: Measurements | None = None,
) -> ExecutionPlan:
    """The execution plan for this machine (and media, if known), with reasons people can read.

    `measurements`, this machine's calibration of the model, win over the formula for workers,
    threads, batch size and per-worker memory (`tuning.measured`); explicit settings win over both.
    """
    reasons: list[str] = []
    cpus = max(1, facts.usable_cpus)
    reasons.append(_cpu_sentence(facts, cpus))
    if model.device == "cuda":
        return _gpu_plan(cpus, media, settings, reasons)
    if model.device == "auto":
        reasons.append("Device 'auto' is planned as CPU; set model.device=cuda to plan for a GPU.")

    measured, why_not = applicable(measurements, model.name, model.compute_type, cpus)
    memory = worker_memory(model, model_bin_bytes, measured)
    memory_cap = _memory_cap(facts, memory, reasons)
    choice = measured_choice(measured, cpus, memory_cap, settings)
    if choice is not None:
        workers, threads = choice.workers, choice.threads
        reasons.append(choice.reason + ".")
    else:
        workers, threads = _workers_and_threads(cpus, memory_cap, settings, reasons)
        if settings.workers is None and settings.threads_per_worker is None:
            reasons.append(formula_note(model, measured, why_not))
    chunk_seconds, chunk_count = _chunking(media, settings, reasons)
    if chunk_count is not None and settings.workers is None and chunk_count < workers:
        floor = min(settings.min_workers, cpus, memory_cap)
        fewer = max(chunk_count, floor)
        if fewer < workers:
            workers = fewer
            if settings.threads_per_worker is None:
                threads = min(cpus // workers, MAX_USEFUL_THREADS)
            kept = (
                f" (min_workers={settings.min_workers} keeps the rest)"
                if fewer > chunk_count
                else ""
            )
            reasons.append(
                f"The media makes only {_n(chunk_count, 'chunk')}, so {_n(workers, 'worker')}"
                f"{kept} with {_n(threads, 'thread')} each finish sooner than more workers "
                "with fewer threads would."
            )
    _warn_oversubscription(workers, threads, cpus, memory_cap, reasons)
    if choice is not None and measured is not None and settings.batch_size is None:
        reasons.append(batch_sentence(measured, choice))
        return ExecutionPlan(workers, threads, chunk_seconds, choice.batch_size, reasons)
    batch_size = _batch_size(settings, CPU_BATCH_SIZE, "CPU", reasons)
    return ExecutionPlan(workers, threads, chunk_seconds, batch_size, reasons)


def _n(count: int, noun: str) -> str:
    """`3 workers`, `1 worker`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _cpu_sentence(facts: SystemFacts, cpus: int) -> str:
    if facts.cgroup_cpu_quota is not None and cpus < facts.logical_cpus:
        return (
            f"{_n(cpus, 'usable CPU')}: the CPU quota is {facts.cgroup_cpu_quota:g} CPUs "
            f"of the host's {facts.logical_cpus}."
        )
    if cpus < facts.logical_cpus:
        return f"{_n(cpus, 'usable CPU')} of {facts.logical_cpus}: this process is pinned to fewer."
    return f"{_n(cpus, 'usable CPU')}."


def _memory_cap(facts: SystemFacts, memory: ModelMemory, reasons: list[str]) -> int:
    """Most workers that fit in available memory, keeping MEMORY_HEADROOM free (at least 1)."""
    budget = facts.available_memory_bytes * (1 - MEMORY_HEADROOM)
    fit = int(budget // max(1, memory.bytes))
    per_worker = f"{memory.bytes / MB:,.0f} MB"
    if fit < 1:
        reasons.append(
            f"Only {facts.available_memory_bytes / MB:,.0f} MB of memory is available and one "
            f"worker needs about {per_worker} ({memory.basis}); running 1 worker anyway, but "
            "expect swapping or an out-of-memory kill. Choose a smaller model or free memory."
        )
        return 1
    reasons.append(
        f"Each worker needs about {per_worker} ({memory.basis}); "
        f"{facts.available_memory_bytes / MB:,.0f} MB available, keeping "
        f"{MEMORY_HEADROOM:.0%} free, holds {_n(fit, 'worker')}."
    )
    return fit


def _workers_and_threads(
    cpus: int, memory_cap: int, settings: TuningSettings, reasons: list[str]
) -> tuple[int, int]:
    if settings.workers is not None or settings.threads_per_worker is not None:
        return _overridden(cpus, memory_cap, settings, reasons)
    threads = max(1, min(cpus // settings.default_workers, THREADS_SWEET_SPOT))
    workers = min(cpus // threads, settings.max_workers)
    sentence = (
        f"{_n(workers, 'worker')} with {_n(threads, 'thread')} each use the CPUs without "
        "oversubscribing them"
    )
    if workers == settings.max_workers and cpus // workers > threads:
        threads = min(cpus // workers, MAX_USEFUL_THREADS)
        sentence = (
            f"{_n(workers, 'worker')} (max_workers) with {_n(threads, 'thread')} each: the "
            "spare CPUs go to threads, up to the point where more threads stop helping"
        )
    if workers > memory_cap:
        workers = memory_cap
        threads = min(cpus // workers, MAX_USEFUL_THREADS)
        sentence = (
            f"Memory limits this to {_n(workers, 'worker')}; each gets "
            f"{_n(threads, 'thread')} from the spare CPUs instead"
        )
    if workers < settings.min_workers:
        limit = "memory" if memory_cap < min(cpus, settings.min_workers) else "CPUs"
        sentence += (
            f". min_workers={settings.min_workers} was not honoured: the available {limit} "
            f"allow only {workers}"
        )
    reasons.append(sentence + ".")
    return workers, threads


def _overridden(
    cpus: int, memory_cap: int, settings: TuningSettings, reasons: list[str]
) -> tuple[int, int]:
    if settings.workers is not None:
        workers = settings.workers
        threads = settings.threads_per_worker or max(1, min(cpus // workers, MAX_USEFUL_THREADS))
    else:
        threads = settings.threads_per_worker or 1
        workers = max(1, min(cpus // threads, settings.max_workers, memory_cap))
    chosen = [
        f"{name}={value}"
        for name, value in (
            ("workers", settings.workers),
            ("threads_per_worker", settings.threads_per_worker),
        )
        if value is not None
    ]
    reasons.append(
        f"Using {_n(workers, 'worker')} with {_n(threads, 'thread')} each because "
        f"{' and '.join(chosen)} was set explicitly."
    )
    return workers, threads


def _warn_oversubscription(
    workers: int, threads: int, cpus: int, memory_cap: int, reasons: list[str]
) -> None:
    if workers * threads > cpus:
        reasons.append(
            f"Warning: {_n(workers, 'worker')} with {_n(threads, 'thread')} each run "
            f"{workers * threads} threads on {_n(cpus, 'usable CPU')}, which oversubscribes them; "
            "every worker will run slower. Lower workers or threads_per_worker."
        )
    if workers > memory_cap:
        reasons.append(
            f"Warning: {workers} workers need more memory than is available (room for "
            f"{memory_cap}); expect swapping or an out-of-memory kill."
        )


def _chunking(
    media: MediaFacts | None, settings: TuningSettings, reasons: list[str]
) -> tuple[float, int | None]:
    """Target chunk length, and the expected chunk count when the media length is known.

    Lengths are media time, the way `plan_chunks` measures them, so they follow the duration;
    the speech share only shows up in the reason.
    """
    longest = min(MAX_CHUNK_SECONDS, settings.max_chunk_seconds)
    seconds = None if media is None else max(media.duration, 0.0)
    if settings.chunk_seconds is not None:
        chunk = settings.chunk_seconds
        reasons.append(f"Chunks aim at {chunk:g} s because chunk_seconds was set explicitly.")
        if chunk > settings.max_chunk_seconds:
            reasons.append(
                f"Warning: chunk_seconds={chunk:g} exceeds max_chunk_seconds="
                f"{settings.max_chunk_seconds:g}; chunks will be cut at the maximum."
            )
        return chunk, None if seconds is None else max(1, math.ceil(seconds / chunk))
    if media is None or seconds is None:
        chunk = min(DEFAULT_CHUNK_SECONDS, longest)
        reasons.append(f"The media length is not known yet, so chunks aim at {chunk:g} s.")
        return chunk, None
    speech = _speech_note(media)
    if seconds <= MIN_CHUNK_SECONDS:
        chunk = seconds if seconds > 0 else SHORT_CHUNK_SECONDS
        reasons.append(f"The media is short ({seconds:.0f} s{speech}), so it is one chunk.")
    else:
        chunk = min(max(seconds / CHUNKS_PER_MEDIA, MIN_CHUNK_SECONDS), longest)
        reasons.append(
            f"Chunks aim at {chunk:.0f} s: about {CHUNKS_PER_MEDIA} chunks of the "
            f"{seconds:.0f} s of media{speech}, none under {MIN_CHUNK_SECONDS:.0f} s (each ends in "
            f"a part-filled decode window) nor over {longest:.0f} s (so memory stays flat "
            "whatever the duration)."
        )
    return chunk, max(1, math.ceil(seconds / chunk - 1e-9))


def _speech_note(media: MediaFacts) -> str:
    if media.speech_seconds is None or media.duration <= 0:
        return ""
    return f", {media.speech_seconds / media.duration:.0%} of it speech"


def _batch_size(settings: TuningSettings, default: int, device: str, reasons: list[str]) -> int:
    if settings.batch_size is not None:
        reasons.append(f"Batch size {settings.batch_size} because batch_size was set explicitly.")
        return settings.batch_size
    why = (
        "beam search over several windows at once costs less per window"
        if device == "CPU"
        else "decoding several windows at once keeps the GPU busy"
    )
    reasons.append(f"Batch size {default} on {device}: {why}.")
    return default


def _gpu_plan(
    cpus: int, media: MediaFacts | None, settings: TuningSettings, reasons: list[str]
) -> ExecutionPlan:
    workers = settings.workers or 1
    threads = settings.threads_per_worker or max(1, min(cpus // workers, THREADS_SWEET_SPOT))
    reasons.append(
        f"On CUDA, {_n(workers, 'worker')} share the GPU"
        + (" (set explicitly)." if settings.workers else "; more would only compete for it.")
    )
    chunk_seconds, _ = _chunking(media, settings, reasons)
    _warn_oversubscription(workers, threads, cpus, workers, reasons)
    batch_size = _batch_size(settings, GPU_BATCH_SIZE, "GPU", reasons)
    return ExecutionPlan(workers, threads, chunk_seconds, batch_size, reasons)


def recommendations(
    facts: SystemFacts,
    current: ExecutionPlan,
    settings: TuningSettings,
    model: ModelSettings | None = None,
    *,
    measurements: Measurements | None = None,
) -> list[Recommendation]:
    """Settings worth changing: where `current` differs from what this machine suits best
    (measured, when `measurements` of this machine and model are given)."""
    model = model or ModelSettings()
    automatic = TuningSettings(
        min_workers=settings.min_workers,
        default_workers=settings.default_workers,
        max_workers=settings.max_workers,
        max_chunk_seconds=settings.max_chunk_seconds,
    )
    best = plan(facts, None, automatic, model, measurements=measurements)
    cpus = max(1, facts.usable_cpus)
    found: list[Recommendation] = []
    busy = current.workers * current.threads_per_worker
    if current.workers != best.workers:
        why = (
            f"{busy} threads oversubscribe {_n(cpus, 'usable CPU')}"
            if busy > cpus
            else f"the CPUs and memory of this machine suit {_n(best.workers, 'worker')}"
        )
        found.append(Recommendation("tuning.workers", current.workers, best.workers, why + "."))
    if current.threads_per_worker != best.threads_per_worker:
        found.append(
            Recommendation(
                "tuning.threads_per_worker",
                current.threads_per_worker,
                best.threads_per_worker,
                f"With {_n(best.workers, 'worker')} on {_n(cpus, 'usable CPU')}, "
                f"{_n(best.threads_per_worker, 'thread')} each use every CPU without "
                "oversubscribing.",
            )
        )
    if current.batch_size != best.batch_size:
        found.append(
            Recommendation(
                "tuning.batch_size",
                current.batch_size,
                best.batch_size,
                f"On {model.device.upper()} a batch size of {best.batch_size} is fastest; "
                "see the planner's reasons.",
            )
        )
    if current.chunk_seconds > settings.max_chunk_seconds:
        found.append(
            Recommendation(
                "tuning.chunk_seconds",
                current.chunk_seconds,
                settings.max_chunk_seconds,
                "Chunks cannot be longer than max_chunk_seconds; the target is cut to it anyway.",
            )
        )
    return found
