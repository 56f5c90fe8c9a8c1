"""The browser UI at `/`: server-rendered page shells (Jinja) and the static JS/CSS they load.

Pages carry only layout and the ids they need; their JS modules read everything else from the
JSON API, so the UI sees exactly what API clients see (owners, errors, paging). tus-js-client is
served from the copy `make install` puts in `web/static/vendor/`, or straight from the repo's
`node_modules/` in a development checkout.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from video_transcriber import __version__
from video_transcriber.web import STATIC_DIR, TEMPLATES_DIR, TUS_CLIENT, WEB_DIR

TUS_CANDIDATES = (
    TUS_CLIENT,
    WEB_DIR.parents[2] / "node_modules" / "tus-js-client" / "dist" / "tus.min.js",
)
"""The copy made by `make install`, then a development checkout's node_modules."""

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals["version"] = __version__

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Add the pages and `/static` to the app (after the API routers, so they never shadow it)."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")


def _page(request: Request, template: str, active: str, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(
        request, template, {"active": active, "page": active, **context}
    )


@router.get("/", response_class=HTMLResponse)
def upload_page(request: Request) -> HTMLResponse:
    return _page(request, "upload.html", "upload", title="Upload")


@router.get("/sessions", response_class=HTMLResponse)
def sessions_page(request: Request) -> HTMLResponse:
    return _page(request, "sessions.html", "sessions", title="Sessions")


@router.get("/sessions/{job_id}", response_class=HTMLResponse)
def session_page(request: Request, job_id: uuid.UUID) -> HTMLResponse:
    return _page(request, "session.html", "sessions", title="Session", job_id=str(job_id))


@router.get("/jobs/{job_id}")
def job_link(request: Request, job_id: uuid.UUID) -> RedirectResponse:
    """`/jobs/{id}?t=` is the moment link the insights and search APIs hand out."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/sessions/{job_id}{query}", status.HTTP_307_TEMPORARY_REDIRECT)


@router.get("/keywords", response_class=HTMLResponse)
def keywords_page(request: Request) -> HTMLResponse:
    return _page(request, "keywords.html", "keywords", title="Keywords")


@router.get("/performance", response_class=HTMLResponse)
def performance_page(request: Request) -> HTMLResponse:
    return _page(request, "performance.html", "performance", title="Performance")


@router.get("/static/vendor/tus.min.js")
def tus_client() -> FileResponse:
    """tus-js-client's browser build, from npm (never a copy kept in the repository)."""
    path = _first_existing(TUS_CANDIDATES)
    if path is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            "tus-js-client is not installed; run `make install` (it needs npm) to fetch it.",
        )
    return FileResponse(path, media_type="text/javascript")


def _first_existing(paths: tuple[Path, ...]) -> Path | None:
    return next((path for path in paths if path.is_file()), None)
