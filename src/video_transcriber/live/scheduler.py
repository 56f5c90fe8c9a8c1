"""Sharing warm decoders between live streams, with back-pressure.

`LiveEngine` owns `live.workers` decode threads, each with its own warm model (loaded once, on
the first stream or by `warm()`), and every open stream. The caller's thread (the WebSocket's
event loop) only appends bytes to a stream's inbox; all real work — voice activity detection,
writing the kept audio, decoding — happens on the decode threads, so the loop stays free.

Scheduling is pull, not push: a free thread takes the stream whose work matters most — an
utterance to finalise (or a stop) before a partial, and among equals the stream that waited
longest — and does one decode for it on the latest audio. Nothing queues up behind a slow
machine: when decodes take longer, a stream simply gets fewer of them (partials thin out),
and each stream's `step_seconds` is raised to what the threads can serve, so the machine is not
kept at 100% for partials. Finals cannot fall behind far: closes come first, and a stream's
committed text is forced forward past `max_lag_seconds` (`stream`).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from video_transcriber.config import Settings
from video_transcriber.domain import SAMPLE_RATE
from video_transcriber.engine.vad_stream import VadModel
from video_transcriber.errors import ModelError, VideoTranscriberError
from video_transcriber.live.events import Caption, Final
from video_transcriber.live.recorder import WavRecorder
from video_transcriber.live.stats import LiveStats
from video_transcriber.live.stream import Decoder, LiveStream

log = logging.getLogger(__name__)

DECODE_EMA = 0.3
"""Weight of the newest decode time in the running estimate behind `step_seconds`."""
PARTIAL_GAP = 5.0
"""Gaps between captions longer than this are pauses in speech, not partial intervals."""


class LiveBusyError(VideoTranscriberError):
    """All live slots are taken."""

    http_status = 503


class StreamSink(Protocol):
    """Where a stream's results go; called from a decode thread."""

    def captions(self, captions: list[Caption]) -> None: ...

    def finished(self, audio: Path | None) -> None: ...

    def failed(self, message: str) -> None: ...


DecoderFactory = Callable[[str | None], Decoder]
"""`factory(model_name)` loads a decoder (None: the configured model); called on each thread."""


@dataclass(eq=False)
class _Entry:
    stream: LiveStream
    sink: StreamSink
    model: str | None
    recorder: WavRecorder | None
    inbox: list[bytes] = field(default_factory=list)
    received: int = 0
    arrivals: list[tuple[float, float]] = field(default_factory=list)
    """(stream seconds received, monotonic time) per frame: when each bit of audio came in."""
    stopping: bool = False
    finishing: bool = False
    cancelled: bool = False
    busy: bool = False
    waited_since: float = field(default_factory=time.monotonic)
    last_caption: float | None = None

    def arrival(self, seconds: float) -> float | None:
        index = bisect_left(self.arrivals, (seconds, 0.0))
        return self.arrivals[index][1] if index < len(self.arrivals) else None


class StreamHandle:
    """The caller's side of one stream: thread-safe, never blocks on decoding."""

    def __init__(self, engine: LiveEngine, entry: _Entry) -> None:
        self._engine = engine
        self._entry = entry
        self.id = str(uuid.uuid4())

    def feed(self, data: bytes) -> None:
        self._engine._feed(self._entry, data)

    def stop(self) -> None:
        """No more audio: finalise what is pending, then `sink.finished`."""
        self._engine._stop(self._entry)

    def cancel(self) -> None:
        """Drop the stream (the client went away); its kept audio is deleted."""
        self._engine._cancel(self._entry)


class LiveEngine:
    """Decode threads and the streams they serve."""

    def __init__(
        self,
        settings: Settings,
        *,
        decoder_factory: DecoderFactory | None = None,
        stats: LiveStats | None = None,
    ) -> None:
        self.settings = settings
        self.stats = stats or LiveStats()
        self._factory = decoder_factory or self._load_decoder
        self._cond = threading.Condition()
        self._entries: list[_Entry] = []
        self._threads: list[threading.Thread] = []
        self._vad: VadModel | None = None
        self._decode_estimate = 0.0
        self._closing = False
        self._ready = threading.Event()
        self._broken: str | None = None

    def _load_decoder(self, model: str | None) -> Decoder:
        from video_transcriber.live.decoder import LiveDecoder

        return LiveDecoder(self.settings.model, self.settings.live, model_name=model)

    # -- streams -------------------------------------------------------------------------------

    def open(
        self,
        sink: StreamSink,
        *,
        language: str | None = None,
        model: str | None = None,
        record_to: Path | None = None,
    ) -> StreamHandle:
        """A new stream; raises `LiveBusyError` when `max_streams` are open."""
        live = self.settings.live
        with self._cond:
            if self._broken is not None:
                raise ModelError(self._broken)
            if len(self._entries) >= live.max_streams:
                raise LiveBusyError(
                    f"All {live.max_streams} live caption slots are in use; try again when a "
                    "stream ends (or raise VT_LIVE__MAX_STREAMS)."
                )
            if self._vad is None:
                self._vad = VadModel()
            stream = LiveStream(live, self._vad.stream(), language=language)
            recorder = WavRecorder(record_to) if record_to is not None else None
            entry = _Entry(stream, sink, model, recorder)
            self._entries.append(entry)
            self._start_threads()
        self.stats.opened()
        return StreamHandle(self, entry)

    def warm(self, timeout: float | None = None) -> bool:
        """Start the decode threads and wait until they loaded their models."""
        with self._cond:
            self._start_threads()
        return self._ready.wait(timeout)

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=10)

    def _start_threads(self) -> None:
        while len(self._threads) < self.settings.live.workers:
            thread = threading.Thread(
                target=self._run, name=f"live-decode-{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _feed(self, entry: _Entry, data: bytes) -> None:
        with self._cond:
            if entry.stopping or entry.cancelled:
                return
            entry.inbox.append(data)
            entry.received += len(data)
            entry.arrivals.append((entry.received / 2 / SAMPLE_RATE, time.monotonic()))
            self._cond.notify()

    def _stop(self, entry: _Entry) -> None:
        with self._cond:
            entry.stopping = True
            self._cond.notify()

    def _cancel(self, entry: _Entry) -> None:
        with self._cond:
            entry.cancelled = True
            if not entry.busy:
                self._remove(entry)
            self._cond.notify()

    def _remove(self, entry: _Entry) -> None:
        """Forget `entry` (lock held); the recorder is discarded unless finished."""
        if entry in self._entries:
            self._entries.remove(entry)
            self.stats.closed()
            if entry.recorder is not None and entry.cancelled:
                entry.recorder.discard()

    # -- decode threads ------------------------------------------------------------------------

    def _run(self) -> None:
        decoders: dict[str | None, Decoder] = {}
        try:
            decoders[None] = self._factory(None)
        except Exception as exc:  # a model that cannot load fails the streams, not the thread
            log.exception("the live model could not be loaded")
            self._broken = f"The live captioning model could not be loaded: {exc}"
            self._fail_all(self._broken)
            return
        finally:
            self._ready.set()
        while True:
            with self._cond:
                entry = self._next()
                while entry is None:
                    if self._closing:
                        return
                    self._cond.wait(timeout=1.0)
                    entry = self._next()
                entry.busy = True
                inbox, entry.inbox = entry.inbox, []
                stopping = entry.stopping
            try:
                done = self._work(entry, inbox, stopping, decoders)
            except Exception as exc:
                log.exception("live stream failed")
                entry.cancelled = True
                entry.sink.failed(f"Live captioning failed: {exc}")
                done = True
            with self._cond:
                entry.busy = False
                if done or entry.cancelled:
                    self._remove(entry)
                self._cond.notify_all()

    def _next(self) -> _Entry | None:
        """The stream to serve now (lock held): finals first, then who waited longest."""
        best: tuple[int, float] | None = None
        chosen = None
        for entry in self._entries:
            if entry.busy or entry.cancelled:
                continue
            entry.stream.step_seconds = self._step_seconds()
            work = entry.stream.wants()
            if work == "final" or (entry.stopping and not entry.inbox):
                rank = 0
            elif work == "partial":
                rank = 1
            elif entry.inbox:
                rank = 2
            else:
                continue
            key = (rank, entry.waited_since)
            if best is None or key < best:
                best, chosen = key, entry
        return chosen

    def _step_seconds(self) -> float:
        """Partial cadence the threads can serve: every stream gets a turn in between."""
        streams = max(1, len(self._entries))
        share = self._decode_estimate * streams / self.settings.live.workers
        return max(self.settings.live.min_step_seconds, share)

    def _work(
        self,
        entry: _Entry,
        inbox: list[bytes],
        stopping: bool,
        decoders: dict[str | None, Decoder],
    ) -> bool:
        """Feed, then at most one decode; True once the stream is done."""
        stream = entry.stream
        for data in inbox:
            stream.feed(data)
            if entry.recorder is not None:
                entry.recorder.write(data)
        _forget_arrivals(entry)
        if stopping and not entry.finishing:
            stream.finish()
            entry.finishing = True
        if stream.wants() is not None:
            decoder = decoders.get(entry.model)
            if decoder is None:
                decoder = decoders[entry.model] = self._factory(entry.model)
            began = time.monotonic()
            captions = stream.step(decoder)
            self._observe_decode(time.monotonic() - began)
            entry.waited_since = time.monotonic()
            self._deliver(entry, captions)
        if entry.finishing and stream.wants() is None:
            audio = entry.recorder.close() if entry.recorder is not None else None
            entry.sink.finished(audio)
            return True
        return False

    def _observe_decode(self, seconds: float) -> None:
        estimate = self._decode_estimate
        self._decode_estimate = (
            seconds if estimate == 0 else (1 - DECODE_EMA) * estimate + DECODE_EMA * seconds
        )
        self.stats.observe("decode", seconds)

    def _deliver(self, entry: _Entry, captions: list[Caption]) -> None:
        if not captions:
            return
        entry.sink.captions(captions)
        now = time.monotonic()
        for caption in captions:
            if isinstance(caption, Final):
                arrived = entry.arrival(caption.end)
                if arrived is not None:
                    self.stats.observe("final_latency", max(0.0, now - arrived))
        if entry.last_caption is not None and now - entry.last_caption < PARTIAL_GAP:
            self.stats.observe("partial_interval", now - entry.last_caption)
        entry.last_caption = now

    def _fail_all(self, message: str) -> None:
        with self._cond:
            entries = list(self._entries)
            for entry in entries:
                entry.cancelled = True
                self._remove(entry)
        for entry in entries:
            entry.sink.failed(message)


def _forget_arrivals(entry: _Entry) -> None:
    """Drop arrival times no future final can end at (before the uncommitted audio)."""
    stream = entry.stream
    horizon = max(stream.agreement.committed_end, stream.buffer.offset) - 1.0
    stale = bisect_left(entry.arrivals, (horizon, 0.0))
    if stale > 0:  # `_feed` only appends, so deleting a prefix races with nothing
        del entry.arrivals[:stale]
