"""Errors to HTTP responses, in one shape: `{"detail": "<what happened, what to do>"}`.

Our exceptions carry `http_status`. A request FastAPI finds invalid (422) gets the same shape: a
`detail` sentence naming each part at fault, and those parts as `errors`
(`[{"loc": ["body", "workers"], "msg": ..., "type": ...}]`) for programs. The input itself is
not echoed back: it may be large, binary or a secret. Unexpected exceptions become a 500 whose
message says what to do, without leaking internals.

A method a path does not have answers 405 with `Allow` naming every method the path has
(Starlette names only those of the first route that matched the path, one of several), and
`OPTIONS` on such a path answers 204 with that `Allow` (RFC 9110 §9.3.7).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount

from video_transcriber.api.schemas import ErrorBody, FieldError
from video_transcriber.errors import UploadTooLargeError, VideoTranscriberError

log = logging.getLogger(__name__)
MAX_LISTED = 5
"""A validation `detail` names this many problems; `errors` lists them all."""
PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
"""Methods `Allow` may name besides OPTIONS, which every path answers."""


async def _ours(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, VideoTranscriberError)
    headers = {"Connection": "close"} if isinstance(exc, UploadTooLargeError) else None
    return JSONResponse({"detail": str(exc)}, status_code=exc.http_status, headers=headers)


async def _invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    body = validation_body(exc.errors())
    return JSONResponse(body.model_dump(mode="json"), status_code=422)


def validation_body(problems: Sequence[Any]) -> ErrorBody:
    """`ErrorBody` for pydantic's error dicts: a sentence, and each problem as a `FieldError`."""
    errors = [
        FieldError(
            loc=[part if isinstance(part, int) else str(part) for part in problem.get("loc", ())],
            msg=str(problem.get("msg", "invalid")),
            type=str(problem.get("type", "value_error")),
        )
        for problem in problems
    ]
    named = "; ".join(f"{_where(error.loc)}: {error.msg}" for error in errors[:MAX_LISTED])
    more = f"; and {len(errors) - MAX_LISTED} more" if len(errors) > MAX_LISTED else ""
    return ErrorBody(
        detail=f"The request is not valid ({named}{more}). Correct it and send it again.",
        errors=errors,
    )


def _where(loc: Sequence[str | int]) -> str:
    return ".".join(str(part) for part in loc) or "request"


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    allowed = allowed_methods(request) or _starlette_allow(exc)
    allow = ", ".join(sorted(allowed | {"OPTIONS"}))
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    return JSONResponse(
        {"detail": f"{request.method} is not allowed on {request.url.path}; use {allow}."},
        status_code=405,
        headers={"Allow": allow},
    )


def allowed_methods(request: Request) -> set[str]:
    """Every method some route of the app answers on this request's path: each is asked of the
    router as a request would be (FastAPI nests included routers; their routes are not a flat
    list). Mounts answer any method, so they are left out."""
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]
    return {
        method
        for method in PROBED_METHODS
        if any(route.matches(_probe(request, method))[0] is Match.FULL for route in routes)
    }


def _probe(request: Request, method: str) -> dict[str, Any]:
    """A fresh scope for `method` on the request's path (matching writes into its scope)."""
    scope = request.scope
    return {
        "type": "http",
        "method": method,
        "path": scope["path"],
        "root_path": scope.get("root_path", ""),
        "headers": [],
    }


def _starlette_allow(exc: Exception) -> set[str]:
    headers = exc.headers if isinstance(exc, HTTPException) else None
    allow = (headers or {}).get("Allow", "GET, HEAD")
    return {method.strip() for method in allow.split(",") if method.strip()}


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        {"detail": "The server hit an unexpected error; try again, and check the server log."},
        status_code=500,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(VideoTranscriberError, _ours)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(405, _method_not_allowed)
    app.add_exception_handler(Exception, _unexpected)
