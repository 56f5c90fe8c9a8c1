"""The API reference pages, `/docs` (Swagger UI) and `/redoc` (ReDoc), built on FastAPI's page
helpers but loading their scripts and styles from `/static/vendor/` (npm copies made by
`make install`) instead of a CDN, so they work offline and behind strict firewalls.

`create_app` turns FastAPI's own CDN-based pages off (`docs_url=None, redoc_url=None`) and
includes this router.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

VENDOR = "/static/vendor"

router = APIRouter(include_in_schema=False)


def _root(request: Request) -> str:
    """The path prefix the app is mounted under (behind a proxy), without a trailing slash."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def _openapi_url(request: Request) -> str:
    return _root(request) + (request.app.openapi_url or "/openapi.json")


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI: try the API from the browser."""
    root = _root(request)
    return get_swagger_ui_html(
        openapi_url=_openapi_url(request),
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{root}{VENDOR}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{VENDOR}/swagger-ui.css",
        swagger_favicon_url=f"{root}{VENDOR}/favicon-32x32.png",
        # No badge that sends the schema to validator.swagger.io.
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    """ReDoc: the API reference as one readable page."""
    root = _root(request)
    return get_redoc_html(
        openapi_url=_openapi_url(request),
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{root}{VENDOR}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{VENDOR}/favicon-32x32.png",
        with_google_fonts=False,
    )
