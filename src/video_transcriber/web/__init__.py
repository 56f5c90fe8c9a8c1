"""The browser UI: Jinja templates and small vanilla JS modules that talk to the JSON API only.

`templates/` holds one page per area (upload, sessions, session, keywords, performance) on a shared
layout; `static/js/` holds one ES module per page plus shared helpers (`api.js`, `charts.js`).
Browser libraries come from npm, pinned by package-lock.json: `make install` runs `npm ci` and
copies the files in `VENDOR_SOURCES` to `static/vendor/`, which git ignores: tus-js-client for
uploads, Swagger UI and ReDoc for the API reference at `/docs` and `/redoc`.
`api.routes.web` serves all of it.
"""

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
TUS_CLIENT = VENDOR_DIR / "tus.min.js"
"""Where `make install` puts tus-js-client's browser build."""
VENDOR_SOURCES: tuple[str, ...] = (
    "tus-js-client/dist/tus.min.js",
    "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui.css",
    "swagger-ui-dist/favicon-32x32.png",
    "redoc/bundles/redoc.standalone.js",
)
"""Files under `node_modules/` that the Makefile's `web-assets` step copies to `VENDOR_DIR`,
each served as `/static/vendor/<its file name>`."""
