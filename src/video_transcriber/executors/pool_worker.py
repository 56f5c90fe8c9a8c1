"""The body of one warm worker process: load the model once, then transcribe chunk after chunk.

The process talks to the pool over one duplex pipe. It first reports `("ready",)` (or
`("fatal", error)` if the model cannot be loaded), then answers each `ChunkTask` it receives with
`("done", key, ChunkResult)` or `("error", key, error)`. `None` — or the pool's end of the pipe
closing because the parent died — makes it exit. Workers ignore SIGINT: Ctrl-C belongs to the
parent, which shuts the pool down in order instead of seeing every worker "crash" at once.

`handler_factory` is the seam that makes the pool testable without the model: it runs once in the
worker and returns the function applied to every task.
"""

from __future__ import annotations

import pickle
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from video_transcriber.config import Settings
from video_transcriber.domain import ChunkResult
from video_transcriber.pipeline.chunk_task import ChunkTask


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What each worker process gets from the execution plan."""

    threads: int
    """CTranslate2 intra-op threads."""
    batch_size: int | None = None
    """Decode windows batched together; None keeps the engine's default."""


ChunkHandler = Callable[[ChunkTask], ChunkResult]
HandlerFactory = Callable[[Settings, WorkerSpec], ChunkHandler]
"""`factory(settings, spec)` loads whatever a worker needs and returns its task handler."""


def load_transcriber(settings: Settings, spec: WorkerSpec) -> ChunkHandler:
    """The real handler: a `ChunkTranscriber` loaded once, with the plan's threads and batch."""
    from video_transcriber.engine.transcriber import ChunkTranscriber, EngineOptions
    from video_transcriber.media.pcm import PcmAudio
    from video_transcriber.speakers.chunk_voices import with_voices

    engine = (
        EngineOptions() if spec.batch_size is None else EngineOptions(batch_size=spec.batch_size)
    )
    transcriber = ChunkTranscriber(settings.model, threads=spec.threads, engine=engine)

    def handle(task: ChunkTask) -> ChunkResult:
        samples = PcmAudio(task.audio_path).read(task.chunk.start, task.chunk.end)
        result = transcriber.transcribe(task.chunk, samples, task.options)
        return with_voices(result, task.chunk, samples, task.options, settings)

    return handle


def portable(error: BaseException) -> BaseException:
    """`error` if it survives pickling, else a RuntimeError carrying its message."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def worker_main(
    conn: Connection, factory: HandlerFactory, settings: Settings, spec: WorkerSpec
) -> None:
    """Entry point of a worker process (must stay importable for the 'spawn' start method)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        handler = factory(settings, spec)
    except Exception as exc:
        conn.send(("fatal", portable(exc)))
        return
    conn.send(("ready",))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result = handler(task)
        except Exception as exc:
            conn.send(("error", task.key, portable(exc)))
        else:
            conn.send(("done", task.key, result))
