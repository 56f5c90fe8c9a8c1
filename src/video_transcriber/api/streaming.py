"""Request bodies to disk without holding them in memory or blocking the event loop.

The body arrives from uvicorn (httptools) in pieces of up to a few hundred KiB; they are gathered
into blocks of about `BLOCK_BYTES` and each block, as the list of its pieces, is handed to a
blocking `sink` (a file write, a multipart parser) in a worker thread. Pieces are not joined: a
file sink writes the list with one `pwritev`, so no byte is copied in Python. While the sink works
on one block the next one is being received (one block in flight, one filling), so memory per
upload stays near two blocks whatever the file size, and the network does not wait for the
disk's write call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

from video_transcriber.uploads.protocol import whole_number

BLOCK_BYTES = 4 * 1024 * 1024
"""Bytes handed to the sink at once: fewer thread hand-offs, still little memory."""

MAX_PIECES = 512
"""A block is handed over after this many pieces even if smaller (the iovec limit is 1024)."""

Sink = Callable[[list[bytes]], None]


class _Pipeline:
    """At most one sink call running in a worker thread while the next block fills."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._running: Awaitable[None] | None = None

    async def hand_over(self, block: list[bytes]) -> None:
        await self.drain()
        self._running = asyncio.ensure_future(run_in_threadpool(self._sink, block))

    async def drain(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            await running


async def stream_body(request: Request, sink: Sink) -> bool:
    """Feed the body to `sink` block by block, in order; False if the client went away part-way.

    Whatever arrived before a disconnect is still passed to `sink`, so a tus upload can resume
    from the last byte that landed. An error raised by `sink` ends the stream and is raised here.
    """
    pipeline = _Pipeline(sink)
    buffer: list[bytes] = []
    size = 0
    whole = True
    try:
        async for piece in request.stream():
            if not piece:
                continue
            buffer.append(piece)
            size += len(piece)
            if size >= BLOCK_BYTES or len(buffer) >= MAX_PIECES:
                await pipeline.hand_over(buffer)
                buffer, size = [], 0
    except ClientDisconnect:
        whole = False
    finally:
        await pipeline.drain()
    if buffer:
        await run_in_threadpool(sink, buffer)
    return whole


def declared_length(request: Request) -> int | None:
    """The Content-Length header as a number, if there is a sensible one."""
    value = request.headers.get("content-length")
    return None if value is None else whole_number(value)
