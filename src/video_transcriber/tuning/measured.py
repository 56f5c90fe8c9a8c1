"""Measured figures of this machine, and the plan's choice among them (pure).

A calibration (`video_transcriber.calibration`) runs the real model in real worker pools of
several shapes (workers x threads, batch size) and keeps, for each, the throughput in media
seconds per wall second, the start-up cost and the peak RSS of one worker. This module holds those
figures as plain data, storage-agnostic, so the planner stays pure: `plan(..., measurements=m)`
prefers the fastest measured shape that fits the machine and its memory over the formula, and
takes the memory of a worker from the measured peak instead of the table in `tuning.memory`.

Measurements are only used for the model and compute type they were taken with and for the
number of usable CPUs they were taken on; finding the calibration of *this* machine (its
fingerprint) is the caller's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from video_transcriber.config import ModelSettings, TuningSettings
from video_transcriber.tuning.memory import (
    ModelMemory,
    estimate_model_memory,
    local_model_bin_bytes,
)

MB = 1024**2

MEASURED_MEMORY_MARGIN = 1.25
"""A worker's measured peak RSS times this is what the planner reserves per worker: the sample's
chunks are ~40 s, a lecture's up to 150 s, and a worker decoding 60 minutes was measured at up to
~20 % above one decoding 10 minutes (tuning.memory)."""


@dataclass(frozen=True, slots=True)
class ShapeFigures:
    """What one pool shape did on the calibration sample."""

    workers: int
    threads: int
    batch_size: int
    media_seconds: float
    """Media time of the chunks transcribed (their start to end, pauses included)."""
    speech_seconds: float
    """Seconds of audio the model heard (speech spans)."""
    wall_seconds: float
    """From handing the chunks to the warm pool to the last result (start-up excluded)."""
    startup_seconds: float
    """From starting the pool to every worker's first (tiny) result: spawn, import, model load."""
    peak_worker_rss_bytes: int
    """Largest resident set of one worker process while it ran."""

    @property
    def throughput(self) -> float:
        """Media seconds per wall second (the higher the faster)."""
        return self.media_seconds / self.wall_seconds if self.wall_seconds > 0 else 0.0

    @property
    def label(self) -> str:
        """`2x1` (workers x threads)."""
        return f"{self.workers}x{self.threads}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "throughput": round(self.throughput, 3)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShapeFigures:
        names = cls.__dataclass_fields__
        return cls(**{key: value for key, value in data.items() if key in names})


@dataclass(frozen=True, slots=True)
class Measurements:
    """One calibration of one model on one machine."""

    model: str
    compute_type: str
    beam_size: int
    machine_key: str
    """The machine fingerprint's key (`calibration.fingerprint`)."""
    usable_cpus: int
    measured_at: str
    """ISO 8601, UTC."""
    shapes: tuple[ShapeFigures, ...]
    machine: dict[str, Any] = field(default_factory=dict)
    """The whole fingerprint (CPU model, cores, memory, versions), for people."""

    def fastest(self, shapes: Sequence[ShapeFigures] | None = None) -> ShapeFigures | None:
        pool = list(self.shapes if shapes is None else shapes)
        return max(pool, key=lambda s: s.throughput) if pool else None

    def worker_bytes(self) -> int:
        """Memory to reserve per worker: the largest measured peak, with the margin."""
        peak = max((s.peak_worker_rss_bytes for s in self.shapes), default=0)
        return int(peak * MEASURED_MEMORY_MARGIN)

    def rate(self, workers: int, threads: int) -> float | None:
        """Best measured throughput of `workers x threads` (any batch), None if not measured."""
        rates = [s.throughput for s in self.shapes if (s.workers, s.threads) == (workers, threads)]
        return max(rates) if rates else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "compute_type": self.compute_type,
            "beam_size": self.beam_size,
            "machine_key": self.machine_key,
            "usable_cpus": self.usable_cpus,
            "measured_at": self.measured_at,
            "shapes": [s.to_dict() for s in self.shapes],
            "machine": dict(self.machine),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Measurements:
        return cls(
            model=data["model"],
            compute_type=data["compute_type"],
            beam_size=int(data["beam_size"]),
            machine_key=data["machine_key"],
            usable_cpus=int(data["usable_cpus"]),
            measured_at=data["measured_at"],
            shapes=tuple(ShapeFigures.from_dict(s) for s in data["shapes"]),
            machine=dict(data.get("machine", {})),
        )


@dataclass(frozen=True, slots=True)
class MeasuredChoice:
    """The shape the planner takes from measurements, and the sentence that says why."""

    workers: int
    threads: int
    batch_size: int
    reason: str


def applicable(
    measurements: Measurements | None, model: str, compute_type: str, cpus: int
) -> tuple[Measurements | None, str | None]:
    """`measurements` if they fit this model and CPU count, else None and why not (or None)."""
    if measurements is None or not measurements.shapes:
        return None, None
    if (measurements.model, measurements.compute_type) != (model, compute_type):
        return None, (
            f"The calibration is for {measurements.model} {measurements.compute_type}, not "
            f"{model} {compute_type}"
        )
    if measurements.usable_cpus != cpus:
        return None, (
            f"The calibration was measured on {measurements.usable_cpus} usable CPUs, "
            f"this process has {cpus}"
        )
    return measurements, None


def choose_measured(
    measurements: Measurements, *, cpus: int, memory_cap: int, max_workers: int
) -> MeasuredChoice | None:
    """The fastest measured shape that fits the CPUs, the memory and `max_workers`, if any."""
    fitting = [
        s
        for s in measurements.shapes
        if s.workers <= min(memory_cap, max_workers) and s.workers * s.threads <= cpus
    ]
    best = measurements.fastest(fitting)
    if best is None:
        return None
    return MeasuredChoice(
        best.workers, best.threads, best.batch_size, _sentence(measurements, best)
    )


def _sentence(measurements: Measurements, best: ShapeFigures) -> str:
    """`Measured on this machine (tiny.en, 2026-12-02 16:40 UTC): 2x1: 31 s of media per second;
    1x2: 24 — ...`, one figure per workers x threads (its best batch)."""
    by_shape: dict[tuple[int, int], ShapeFigures] = {}
    for shape in sorted(measurements.shapes, key=lambda s: -s.throughput):
        by_shape.setdefault((shape.workers, shape.threads), shape)
    figures = [
        f"{shape.label}: {shape.throughput:.0f}" + (" s of media per second" if i == 0 else "")
        for i, shape in enumerate(by_shape.values())
    ]
    when = measurements.measured_at[:16].replace("T", " ")
    return (
        f"Measured on this machine ({measurements.model}, {when} UTC): {'; '.join(figures)}. "
        f"{best.workers} worker{'s' if best.workers != 1 else ''} with {best.threads} "
        f"thread{'s' if best.threads != 1 else ''} each {'are' if best.workers != 1 else 'is'} "
        "the fastest shape measured that fits"
    )


def batch_sentence(measurements: Measurements, choice: MeasuredChoice) -> str:
    """Why the batch size is what the calibration found fastest for the chosen shape."""
    same = [
        s for s in measurements.shapes if (s.workers, s.threads) == (choice.workers, choice.threads)
    ]
    others = "; ".join(
        f"{s.batch_size}: {s.throughput:.0f}" for s in sorted(same, key=lambda s: -s.throughput)
    )
    return f"Batch size {choice.batch_size}: the fastest measured for {choice.workers}x" + (
        f"{choice.threads} ({others} s of media per second)."
    )


def worker_memory(
    model: ModelSettings, given: int | None, measured: Measurements | None
) -> ModelMemory:
    """Per-worker memory: the measured peak (with the margin) when there is one, else the
    estimate from the model's name or its `model.bin` (`tuning.memory`)."""
    if measured is not None and measured.worker_bytes() > 0:
        peak = max(s.peak_worker_rss_bytes for s in measured.shapes)
        return ModelMemory(
            measured.worker_bytes(), f"measured peak {peak / MB:,.0f} MB here, plus a margin"
        )
    return estimate_model_memory(
        model.name,
        model.compute_type,
        model_bin_bytes=given if given is not None else local_model_bin_bytes(model.name),
    )


def measured_choice(
    measured: Measurements | None, cpus: int, memory_cap: int, settings: TuningSettings
) -> MeasuredChoice | None:
    """The measured shape to run, unless there are no measurements or workers or threads were
    set explicitly (explicit settings always win)."""
    if measured is None or settings.workers is not None or settings.threads_per_worker is not None:
        return None
    return choose_measured(
        measured, cpus=cpus, memory_cap=memory_cap, max_workers=settings.max_workers
    )


def formula_note(model: ModelSettings, measured: Measurements | None, why_not: str | None) -> str:
    """The reason that says the formula decided, and why no measurement did."""
    if measured is not None:
        return "No measured shape fits this machine's CPUs and memory, so the formula decides."
    lead = why_not or f"No calibration of {model.name} on this machine"
    return (
        f"{lead}: workers and threads come from the formula (run `video-transcriber tune "
        "--calibrate` to measure them)."
    )
