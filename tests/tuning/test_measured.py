"""The plan with and without measurements: measured figures win and are cited; the formula
decides, and says so, when there are none or they do not fit. Figures are synthetic, as in
test_plan (the real calibration is tests/calibration)."""

from __future__ import annotations

from video_transcriber.config import ModelSettings, TuningSettings
from video_transcriber.tuning.facts import SystemFacts
from video_transcriber.tuning.measured import Measurements, ShapeFigures
from video_transcriber.tuning.plan import plan, recommendations

MB = 1024**2
GB = 1024**3
TINY = ModelSettings()


def machine(cpus: int, memory_gb: float = 24) -> SystemFacts:
    total = int(memory_gb * GB)
    return SystemFacts(cpus, cpus, total, int(total * 0.9))


def shape(
    workers: int, threads: int, rate: float, *, batch: int = 4, rss_mb: int = 300
) -> ShapeFigures:
    return ShapeFigures(workers, threads, batch, 100.0 * rate, 95.0 * rate, 100.0, 2.0, rss_mb * MB)


def measured(*shapes: ShapeFigures, cpus: int = 2, model: str = "tiny.en") -> Measurements:
    return Measurements(model, "int8", 5, "machine-1", cpus, "2026-12-02T16:40:00+00:00", shapes)


def test_measured_shape_wins_and_reasons_cite_every_figure() -> None:
    figures = measured(shape(2, 1, 31.0), shape(1, 2, 24.0))
    result = plan(machine(2), None, TuningSettings(), TINY, measurements=figures)
    assert (result.workers, result.threads_per_worker) == (2, 1)
    text = " ".join(result.reasons)
    assert (
        "Measured on this machine (tiny.en, 2026-12-02 16:40 UTC): "
        "2x1: 31 s of media per second; 1x2: 24." in text
    )
    assert "formula" not in text


def test_measured_can_prefer_threads_over_workers() -> None:
    figures = measured(shape(2, 1, 20.0), shape(1, 2, 26.0))
    result = plan(machine(2), None, TuningSettings(), TINY, measurements=figures)
    assert (result.workers, result.threads_per_worker) == (1, 2)


def test_batch_size_from_the_fastest_measured_batch() -> None:
    figures = measured(
        shape(2, 1, 25.0), shape(1, 2, 24.0), shape(2, 1, 29.0, batch=8), shape(2, 1, 20.0, batch=1)
    )
    result = plan(machine(2), None, TuningSettings(), TINY, measurements=figures)
    assert result.batch_size == 8
    assert any(
        r.startswith("Batch size 8: the fastest measured for 2x1 (8: 29; 4: 25; 1: 20")
        for r in result.reasons
    )


def test_without_measurements_the_formula_decides_and_says_so() -> None:
    result = plan(machine(2), None, TuningSettings(), TINY)
    assert any(
        r.startswith(
            "No calibration of tiny.en on this machine: workers and threads come from the formula"
        )
        and "tune --calibrate" in r
        for r in result.reasons
    )
    assert any("450 MB (a tiny model at int8)" in r for r in result.reasons)


def test_measurements_of_another_model_or_cpu_count_are_not_used() -> None:
    other_model = plan(
        machine(2),
        None,
        TuningSettings(),
        TINY,
        measurements=measured(shape(1, 2, 99.0), model="base.en"),
    )
    assert (other_model.workers, other_model.threads_per_worker) == (2, 1)
    assert any(
        r.startswith("The calibration is for base.en int8, not tiny.en int8: ")
        for r in other_model.reasons
    )
    other_cpus = plan(
        machine(4), None, TuningSettings(), TINY, measurements=measured(shape(1, 2, 99.0))
    )
    assert any("measured on 2 usable CPUs, this process has 4" in r for r in other_cpus.reasons)


def test_per_worker_memory_comes_from_the_measured_peak() -> None:
    # 1 GB machine: 0.9 GB available, 80% of it = 737 MB; measured 400 MB x 1.25 = 500 MB: 1 worker
    figures = measured(shape(2, 1, 31.0, rss_mb=400), shape(1, 2, 24.0, rss_mb=400))
    result = plan(machine(2, memory_gb=1), None, TuningSettings(), TINY, measurements=figures)
    assert (result.workers, result.threads_per_worker) == (1, 2)
    assert any(
        "about 500 MB (measured peak 400 MB here, plus a margin)" in r for r in result.reasons
    )
    # the same machine by formula (450 MB per worker) fits 1 as well, but says so from the table
    formula = plan(machine(2, memory_gb=1), None, TuningSettings(), TINY)
    assert any("(a tiny model at int8)" in r for r in formula.reasons)


def test_explicit_settings_still_win() -> None:
    figures = measured(shape(2, 1, 31.0), shape(1, 2, 24.0))
    result = plan(
        machine(2),
        None,
        TuningSettings(workers=1, threads_per_worker=1, batch_size=2),
        TINY,
        measurements=figures,
    )
    assert (result.workers, result.threads_per_worker, result.batch_size) == (1, 1, 2)
    assert any("set explicitly" in r for r in result.reasons)


def test_recommendations_follow_the_measurement() -> None:
    figures = measured(shape(2, 1, 20.0), shape(1, 2, 26.0))
    current = plan(machine(2), None, TuningSettings(), TINY)
    advice = recommendations(machine(2), current, TuningSettings(), TINY, measurements=figures)
    assert {(a.setting, a.recommended) for a in advice} >= {
        ("tuning.workers", 1),
        ("tuning.threads_per_worker", 2),
    }


def test_round_trip_through_dicts() -> None:
    figures = measured(shape(2, 1, 31.0), shape(1, 2, 24.0))
    assert Measurements.from_dict(figures.to_dict()) == figures
