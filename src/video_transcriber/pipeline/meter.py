"""How far a run has got and when it will end: speech seconds done, chunks in flight, the ETA.

`Meter` counts progress over seconds of speech (silence costs almost nothing). It knows which
chunks a worker has started (`started`) and finished (`finished`, with the worker's own time for
it), and asks `tuning.history.Eta` for the time left: the expected rate of this machine blended
with this run's, and the chunks left scheduled over the pool's workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from video_transcriber.domain import Chunk, ChunkResult, Progress, Stage
from video_transcriber.tuning.history import Eta


class Meter:
    """Progress of one run over `chunks`, some of them `done` before it started."""

    def __init__(
        self,
        chunks: list[Chunk],
        done: Mapping[int, ChunkResult],
        *,
        expected_rate: float | None = None,
        workers: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._speech = {chunk.index: chunk.speech_seconds for chunk in chunks}
        self._total = sum(self._speech.values())
        self._done = {index for index in done if index in self._speech}
        self._done_speech = sum(self._speech[index] for index in self._done)
        self._running: dict[int, float] = {}
        self._run_speech = 0.0
        self._run_busy = 0.0
        self._clock = clock
        self._eta = Eta(expected_rate, self._total, max(1, workers))

    def started(self, index: int) -> None:
        """A worker began chunk `index` (again, after a crash: the clock restarts)."""
        if index not in self._done:
            self._running[index] = self._clock()

    def finished(self, result: ChunkResult) -> None:
        index = result.chunk_index
        self._running.pop(index, None)
        if index in self._done:
            return
        self._done.add(index)
        speech = self._speech.get(index, 0.0)
        self._done_speech += speech
        if speech > 0 and result.decode_seconds > 0:
            self._run_speech += speech
            self._run_busy += result.decode_seconds

    def progress(self) -> Progress:
        percent = 100.0 * self._done_speech / self._total if self._total > 0 else 0.0
        if len(self._done) == len(self._speech):
            percent = 100.0
        return Progress(
            Stage.TRANSCRIBING, percent, len(self._done), len(self._speech), self._eta_seconds()
        )

    def _eta_seconds(self) -> float | None:
        if len(self._done) == len(self._speech):
            return 0.0
        now = self._clock()
        running = [(self._speech[i], now - began) for i, began in self._running.items()]
        queued = [
            speech
            for index, speech in sorted(self._speech.items())
            if index not in self._done and index not in self._running
        ]
        return self._eta.seconds(running, queued, self._run_speech, self._run_busy)
