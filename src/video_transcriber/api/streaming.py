"""Request bodies to disk without holding them in memory or blocking the event loop.

The body arrives in small pieces; they are gathered into blocks of about 1 MiB and each block is
handed to a blocking `sink` (a file write, a multipart parser) in a worker thread. Memory per
upload stays near one block whatever the file size.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

BLOCK_BYTES = 1024 * 1024


async def stream_body(request: Request, sink: Callable[[bytes], None]) -> bool:
    """Feed the body to `sink` block by block; False if the client went away part-way.

    Whatever arrived before a disconnect is still passed to `sink`, so a tus upload can resume
    from the last byte that landed.
    """
    buffer = bytearray()
    try:
        async for piece in request.stream():
            buffer.extend(piece)
            if len(buffer) >= BLOCK_BYTES:
                block, buffer = bytes(buffer), bytearray()
                await run_in_threadpool(sink, block)
    except ClientDisconnect:
        if buffer:
            await run_in_threadpool(sink, bytes(buffer))
        return False
    if buffer:
        await run_in_threadpool(sink, bytes(buffer))
    return True


def declared_length(request: Request) -> int | None:
    """The Content-Length header as a number, if there is a sensible one."""
    value = request.headers.get("content-length")
    if value is None or not value.isdigit():
        return None
    return int(value)
