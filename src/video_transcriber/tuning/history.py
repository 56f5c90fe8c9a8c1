"""What past jobs say about this machine: chunk timings, the rate they show, drift, the ETA (pure).

Every chunk a job transcribes leaves a `ChunkTiming`: seconds of speech and of media, the words
that came out, the worker's wall time, and the pool shape it ran in. A worker's wall time is its
own; with `workers` of them running at once, the pool's rate is `workers` times a worker's, so
`pool_rate` multiplies the median per-chunk rate by the shape's worker count. The median, not
the mean, so one chunk slowed by a burst of other load does not move the estimate.

`expected_rate` is the rate to plan an ETA with before a job has finished anything: recent
timings of this machine, model and shape if there are enough, else the calibration's figure for
the shape. `Eta` blends it with the job's own pace, trusting the job more as it goes (the prior
counts as if it had seen `PRIOR_SHARE` of the job, less when the job disagrees with it by more
than `PRIOR_TOLERANCE`), and schedules the chunks left on the pool's workers. `drift` compares
recent jobs with the calibration and says when the machine has become markedly slower or faster.
"""

from __future__ import annotations

import heapq
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from video_transcriber.tuning.measured import Measurements

MIN_TIMINGS = 4
"""Recent chunk timings needed before they, not the calibration, give the expected rate."""
PRIOR_SHARE = 0.25
"""The expected rate weighs as much as the job's own pace over this share of its speech."""
PRIOR_TOLERANCE = math.log(1.1)
"""How far (as a log ratio) the job's own rate may sit from the expected rate and still count as
noise around it: on an idle machine, calibration runs and chunks differ by about 10 %. Beyond
it the prior's share shrinks with the square of tolerance over disagreement, so a calibration
taken under other load (or an unlucky calibration run) stops steering the ETA once the job has
shown its own pace (bench/eta.py --prior-scale)."""


@dataclass(frozen=True, slots=True)
class ChunkTiming:
    """One transcribed chunk: how much audio, how long it took, in which pool shape."""

    job_id: str
    chunk_index: int
    speech_seconds: float
    media_seconds: float
    words: int
    wall_seconds: float
    """The worker's own time for the chunk (`ChunkResult.decode_seconds`)."""
    workers: int
    threads: int
    batch_size: int
    model: str
    compute_type: str
    machine_key: str

    @property
    def speech_rate(self) -> float:
        """Seconds of speech per wall second in one worker."""
        return self.speech_seconds / self.wall_seconds if self.wall_seconds > 0 else 0.0


def pool_rate(timings: Sequence[ChunkTiming], workers: int, threads: int) -> float | None:
    """Seconds of speech per wall second of a `workers x threads` pool, from its chunks."""
    rates = [
        t.speech_rate
        for t in timings
        if (t.workers, t.threads) == (workers, threads) and t.speech_rate > 0
    ]
    if len(rates) < MIN_TIMINGS:
        return None
    return workers * statistics.median(rates)


def calibrated_rate(measurements: Measurements | None, workers: int, threads: int) -> float | None:
    """Seconds of speech per wall second the calibration measured for this shape (any batch)."""
    if measurements is None:
        return None
    rates = [
        s.speech_seconds / s.wall_seconds
        for s in measurements.shapes
        if (s.workers, s.threads) == (workers, threads) and s.wall_seconds > 0
    ]
    return max(rates) if rates else None


def expected_rate(
    timings: Sequence[ChunkTiming], measurements: Measurements | None, workers: int, threads: int
) -> tuple[float | None, str]:
    """The rate to expect of this shape, and where it comes from (for logs and the API)."""
    recent = pool_rate(timings, workers, threads)
    if recent is not None:
        return recent, f"the last {len(timings)} chunks on this machine"
    measured = calibrated_rate(measurements, workers, threads)
    if measured is not None:
        return measured, "this machine's calibration"
    return None, "this job's own pace"


@dataclass(frozen=True, slots=True)
class Eta:
    """Seconds left for a job whose chunks run on `workers` workers at once.

    A worker's rate is the expected pool rate shared by the workers, blended with this run's
    own: seconds of speech its finished chunks held over the seconds workers spent on them
    (`ChunkResult.decode_seconds`, so time a chunk waited or overlapped others does not count).
    The time left is then scheduled, not divided: each running chunk has its speech less what
    its worker has done since it started, queued chunks go to whichever worker frees up first,
    and the ETA is when the last one finishes. So chunks in flight count for what they have
    done, and the last few chunks, which cannot be split over idle workers, are not assumed to be.
    """

    prior_rate: float | None
    """Seconds of speech per wall second the pool is expected to manage (None: unknown)."""
    total_speech: float
    workers: int = 1

    def worker_rate(self, run_speech: float, run_busy: float) -> float | None:
        """One worker's seconds of speech per second, after `run_speech` seconds of speech took
        workers `run_busy` seconds in this run; None when nothing is known yet."""
        observed = run_speech / run_busy if run_speech > 0 and run_busy > 0 else None
        prior = self.prior_rate / max(1, self.workers) if self.prior_rate else None
        if prior is None or observed is None:
            return observed or prior
        share = PRIOR_SHARE * prior_trust(observed, prior)
        weight = run_speech / (run_speech + share * max(self.total_speech, run_speech))
        return weight * observed + (1 - weight) * prior

    def seconds(
        self,
        running: Sequence[tuple[float, float]],
        queued: Sequence[float],
        run_speech: float,
        run_busy: float,
    ) -> float | None:
        """ETA with `running` chunks as (seconds of speech, seconds since they started) and
        `queued` chunks' seconds of speech; None when no rate is known yet."""
        rate = self.worker_rate(run_speech, run_busy)
        if rate is None or rate <= 0:
            return None
        return scheduled_seconds(
            [max(0.0, speech - since * rate) for speech, since in running],
            queued,
            self.workers,
            rate,
        )


def prior_trust(observed: float, prior: float) -> float:
    """1 while `observed` is within `PRIOR_TOLERANCE` of `prior`, then falling with the square of
    how far apart they are (a job running twice as fast as expected: 0.02)."""
    disagreement = abs(math.log(observed / prior))
    if disagreement <= PRIOR_TOLERANCE:
        return 1.0
    return (PRIOR_TOLERANCE / disagreement) ** 2


def scheduled_seconds(
    running: Sequence[float], queued: Sequence[float], workers: int, rate: float
) -> float:
    """When the last chunk ends: `running` speech left per busy worker, `queued` chunks in
    order, each to the first worker free, at `rate` seconds of speech per second per worker."""
    free = sorted(left / rate for left in running)[: max(1, workers)]
    free += [0.0] * (max(1, workers) - len(free))
    heapq.heapify(free)
    for speech in queued:
        heapq.heappush(free, heapq.heappop(free) + speech / rate)
    return max(free) if free else 0.0


@dataclass(frozen=True, slots=True)
class Drift:
    """Recent jobs against the calibration: `ratio` < 1 is slower than calibrated."""

    ratio: float
    recent_rate: float
    calibrated_rate: float
    workers: int
    threads: int

    def sentence(self) -> str:
        change = abs(1 - self.ratio)
        pace = "slower" if self.ratio < 1 else "faster"
        hint = (
            " — other load? Check `GET /api/performance/live`, or calibrate again once it is quiet."
            if self.ratio < 1
            else " — calibrate again so the plan uses it."
        )
        return (
            f"This machine now runs {change:.0%} {pace} than its calibration "
            f"({self.workers}x{self.threads}: {self.recent_rate:.0f} s of speech per second "
            f"in recent jobs, {self.calibrated_rate:.0f} calibrated){hint}"
        )


def drift(
    timings: Sequence[ChunkTiming],
    measurements: Measurements | None,
    workers: int,
    threads: int,
    *,
    fraction: float,
) -> Drift | None:
    """A `Drift` when recent chunks of this shape run `fraction` or more off the calibration."""
    recent = pool_rate(timings, workers, threads)
    calibrated = calibrated_rate(measurements, workers, threads)
    if recent is None or calibrated is None or calibrated <= 0:
        return None
    ratio = recent / calibrated
    if abs(1 - ratio) < fraction:
        return None
    return Drift(ratio, recent, calibrated, workers, threads)
