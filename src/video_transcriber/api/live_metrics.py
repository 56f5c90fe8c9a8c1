"""Prometheus metrics of live captions, on the app's registry.

`LiveMetrics` owns the engine's `LiveStats` and turns each measured value into histogram
observations as it happens (final latency, partial interval, decode time); streams open now and
opened in all are read from the stats at each scrape.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from video_transcriber.live.stats import LiveStats

PREFIX = "video_transcriber_live"
LATENCY_BUCKETS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 10.0, float("inf"))
INTERVAL_BUCKETS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, float("inf"))
DECODE_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, float("inf"))


class LiveMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.stats = LiveStats()
        self._histograms = {
            "final_latency": Histogram(
                f"{PREFIX}_final_latency_seconds",
                "Live captions: seconds from receiving a final's last audio to sending the final.",
                buckets=LATENCY_BUCKETS,
                registry=registry,
            ),
            "partial_interval": Histogram(
                f"{PREFIX}_caption_interval_seconds",
                "Live captions: seconds between two captions of a stream during speech.",
                buckets=INTERVAL_BUCKETS,
                registry=registry,
            ),
            "decode": Histogram(
                f"{PREFIX}_decode_seconds",
                "Live captions: seconds one re-decode of a stream's pending audio took.",
                buckets=DECODE_BUCKETS,
                registry=registry,
            ),
        }
        self.stats.observers.append(self._observe)
        registry.register(_StreamCollector(self.stats))

    def _observe(self, measure: str, value: float) -> None:
        self._histograms[measure].observe(value)


class _StreamCollector(Collector):
    def __init__(self, stats: LiveStats) -> None:
        self._stats = stats

    def describe(self) -> list[Any]:
        return []

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        snapshot = self._stats.snapshot()
        yield GaugeMetricFamily(
            f"{PREFIX}_streams", "Live caption streams open now.", value=snapshot.active_streams
        )
        yield CounterMetricFamily(
            f"{PREFIX}_streams_opened",
            "Live caption streams opened since the service started.",
            value=snapshot.streams_total,
        )
