"""What the live engine measured: streams, final latency, partial cadence, decode time.

Latency is *arrival - end*: the moment a final is handed to its client minus the moment the
server received the audio at the final's `end` (so it is right whatever pace the client sends
at). Recent values are kept (a bounded window) for `/api/performance/live`; `observers` see every
value as it happens, for Prometheus histograms.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

WINDOW = 2000
"""Recent values kept per measure."""
Observer = Callable[[str, float], None]
"""`observer(measure, value)`: measure is "final_latency", "partial_interval" or "decode"."""


@dataclass(frozen=True, slots=True)
class LiveSnapshot:
    active_streams: int
    streams_total: int
    finals_total: int
    final_latency_median: float | None
    final_latency_p95: float | None
    partial_interval_median: float | None
    decode_seconds_median: float | None


def _quantile(values: deque[float], q: float) -> float | None:
    return round(float(np.quantile(np.asarray(values), q)), 3) if values else None


@dataclass(eq=False)
class LiveStats:
    observers: list[Observer] = field(default_factory=list)
    active: int = 0
    total: int = 0
    finals: int = 0
    _values: dict[str, deque[float]] = field(
        default_factory=lambda: {
            k: deque(maxlen=WINDOW) for k in ("final_latency", "partial_interval", "decode")
        }
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def opened(self) -> None:
        with self._lock:
            self.active += 1
            self.total += 1

    def closed(self) -> None:
        with self._lock:
            self.active -= 1

    def observe(self, measure: str, value: float) -> None:
        with self._lock:
            self._values[measure].append(value)
            if measure == "final_latency":
                self.finals += 1
        for observer in self.observers:
            observer(measure, value)

    def snapshot(self) -> LiveSnapshot:
        with self._lock:
            values = {k: deque(v) for k, v in self._values.items()}
            active, total, finals = self.active, self.total, self.finals
        return LiveSnapshot(
            active_streams=active,
            streams_total=total,
            finals_total=finals,
            final_latency_median=_quantile(values["final_latency"], 0.5),
            final_latency_p95=_quantile(values["final_latency"], 0.95),
            partial_interval_median=_quantile(values["partial_interval"], 0.5),
            decode_seconds_median=_quantile(values["decode"], 0.5),
        )
