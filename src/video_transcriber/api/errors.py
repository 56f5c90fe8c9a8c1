"""Errors to HTTP responses: our exceptions carry `http_status`; the body is `{"detail": ...}`.

Unexpected exceptions become a 500 whose message says what to do, without leaking internals.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from video_transcriber.errors import UploadTooLargeError, VideoTranscriberError

log = logging.getLogger(__name__)


async def _ours(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, VideoTranscriberError)
    headers = {"Connection": "close"} if isinstance(exc, UploadTooLargeError) else None
    return JSONResponse({"detail": str(exc)}, status_code=exc.http_status, headers=headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        {"detail": "The server hit an unexpected error; try again, and check the server log."},
        status_code=500,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(VideoTranscriberError, _ours)
    app.add_exception_handler(Exception, _unexpected)
