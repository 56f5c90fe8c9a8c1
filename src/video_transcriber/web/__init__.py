"""The browser UI: Jinja templates and small vanilla JS modules that talk to the JSON API only.

`templates/` holds one page per area (upload, sessions, session, keywords, performance) on a shared
layout; `static/js/` holds one ES module per page plus shared helpers (`api.js`, `charts.js`).
The tus client comes from npm (`tus-js-client`): `make install` runs `npm ci` and copies its
browser build to `static/vendor/`, which git ignores. `api.routes.web` serves all of it.
"""

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
TUS_CLIENT = STATIC_DIR / "vendor" / "tus.min.js"
"""Where `make install` puts tus-js-client's browser build."""
