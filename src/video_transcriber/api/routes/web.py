"""The browser UI at `/`: server-rendered page shells (Jinja) and the static JS/CSS they load.

Pages carry only layout and the ids they need; their JS modules read everything else from the
JSON API, so the UI sees exactly what API clients see (owners, errors, paging). The npm browser
libraries (tus-js-client, Swagger UI, ReDoc) are served from the copies `make install` puts in
`web/static/vendor/`, or straight from the repo's `node_modules/` in a development checkout.
"""

from __future__ import annotations

import mimetypes
import uuid
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from video_transcriber import __version__
from video_transcriber.web import STATIC_DIR, TEMPLATES_DIR, VENDOR_DIR, VENDOR_SOURCES, WEB_DIR

NODE_MODULES = WEB_DIR.parents[2] / "node_modules"
"""A development checkout's npm packages (absent in an installed wheel)."""
VENDOR_CANDIDATES: dict[str, tuple[Path, ...]] = {
    Path(source).name: (VENDOR_DIR / Path(source).name, NODE_MODULES / source)
    for source in VENDOR_SOURCES
}
"""Served name → the copy made by `make install`, then the development checkout's file."""
TUS_CANDIDATES = VENDOR_CANDIDATES["tus.min.js"]

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


@router.get("/live", response_class=HTMLResponse)
def live_page(request: Request) -> HTMLResponse:
    return _page(request, "live.html", "live", title="Live captions")


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


@router.get("/static/vendor/{name}")
def vendor_file(name: str) -> FileResponse:
    """A browser library from npm (never a copy kept in the repository)."""
    candidates = VENDOR_CANDIDATES.get(name)
    if candidates is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No vendor file {name!r}.")
    path = _first_existing(candidates)
    if path is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"{name} is not installed; run `make install` (it needs npm) to fetch it.",
        )
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".js"):
        media_type = "text/javascript"
    return FileResponse(path, media_type=media_type)


def _first_existing(paths: tuple[Path, ...]) -> Path | None:
    return next((path for path in paths if path.is_file()), None)
