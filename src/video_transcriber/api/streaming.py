"""Request bodies to disk without holding them in memory or blocking the event loop.

The body arrives from uvicorn (httptools) in pieces of up to a few hundred KiB; they are gathered
into blocks of about `BLOCK_BYTES` and each block is handed to a blocking `sink` (a file write, a
multipart parser) in a worker thread. While the sink works on one block the next one is being
received: one block in flight, one filling, so memory per upload stays near two blocks whatever
the file size, and the network never waits for the disk's write call (nor the disk for the
network). The filled `bytearray` itself goes to the sink, not a copy of it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

BLOCK_BYTES = 4 * 1024 * 1024
"""Bytes handed to the sink at once: fewer thread hand-offs, still little memory."""

Sink = Callable[[bytearray], None]


class _Pipeline:
    """At most one sink call running in a worker thread while the next block fills."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._running: Awaitable[None] | None = None

    async def hand_over(self, block: bytearray) -> None:
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
    buffer = bytearray()
    whole = True
    try:
        async for piece in request.stream():
            buffer += piece
            if len(buffer) >= BLOCK_BYTES:
                await pipeline.hand_over(buffer)
                buffer = bytearray()
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
    if value is None or not value.isdigit():
        return None
    return int(value)
