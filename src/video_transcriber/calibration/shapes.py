"""The pool shapes worth measuring on this machine: workers x threads that use its CPUs.

A shape that leaves CPUs idle cannot be the fastest, and one that oversubscribes them makes every
worker slower, so the candidates split the usable CPUs exactly: threads per worker in powers of
two up to `CalibrationSettings.max_threads_per_worker`, workers = CPUs // threads, capped by
`max_workers` and by how many workers memory holds (the planner's own estimate and headroom).
On 2 CPUs that is 2x1 and 1x2; on 16, 16x1, 8x2, 4x4 and 2x8.
"""

from __future__ import annotations

from dataclasses import dataclass

from video_transcriber.config import Settings
from video_transcriber.tuning.facts import SystemFacts
from video_transcriber.tuning.memory import estimate_model_memory
from video_transcriber.tuning.plan import MEMORY_HEADROOM


@dataclass(frozen=True, slots=True)
class Shape:
    """One warm-pool layout to measure."""

    workers: int
    threads: int
    batch_size: int

    @property
    def label(self) -> str:
        return f"{self.workers}x{self.threads} batch {self.batch_size}"


def candidate_shapes(facts: SystemFacts, settings: Settings) -> list[Shape]:
    """Distinct workers x threads splits of the usable CPUs, at the first calibration batch size."""
    cpus = max(1, facts.usable_cpus)
    memory = estimate_model_memory(settings.model.name, settings.model.compute_type)
    fit = int(facts.available_memory_bytes * (1 - MEMORY_HEADROOM) // max(1, memory.bytes))
    most = max(1, min(settings.tuning.max_workers, fit))
    batch = settings.calibration.batch_sizes[0]
    seen: dict[tuple[int, int], Shape] = {}
    threads = 1
    while threads <= min(cpus, settings.calibration.max_threads_per_worker):
        workers = max(1, min(cpus // threads, most))
        seen.setdefault((workers, threads), Shape(workers, threads, batch))
        threads *= 2
    return list(seen.values())
