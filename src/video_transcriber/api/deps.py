"""Typed dependencies: services from `app.state`, and the caller's owner from the API key (or,
for a job's GET-only resources, from a signed link token).

Routes declare what they need as `StoreDep`, `ManagerDep`, ... instead of reaching into
`request.app.state`; tests build the app with their own settings and runner, so nothing here is
cached or global.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from video_transcriber.api.security import KeyRing, LinkSigner
from video_transcriber.config import Settings
from video_transcriber.errors import JobNotFoundError
from video_transcriber.jobs.data_layout import DataLayout
from video_transcriber.jobs.events import EventBus
from video_transcriber.jobs.intake import JobIntake
from video_transcriber.jobs.job_insights import JobInsights
from video_transcriber.jobs.manager import JobManager
from video_transcriber.jobs.tuning_service import TuningService
from video_transcriber.live.scheduler import LiveEngine
from video_transcriber.store.job_store import JobStore
from video_transcriber.uploads.tus import TusStore


def _app_state(attribute: str) -> Any:
    """A dependency on `request.app.state.<attribute>` (set by `create_app` and its lifespan)."""

    def dependency(request: Request) -> Any:
        return getattr(request.app.state, attribute)

    dependency.__name__ = f"get_{attribute}"
    return Depends(dependency)


API_KEY = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `VT_SERVICE__API_KEYS`, as `Authorization: Bearer <key>`; "
    "needed only where the service has keys.",
)
"""Declares the key in the OpenAPI document; `get_owner` reads and checks the header itself
(`auto_error=False`: without keys the header is optional)."""


def get_owner(
    request: Request,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(API_KEY)] = None,
) -> str:
    """The caller's owner hash; 401 when keys are configured and none (or a wrong one) is sent."""
    keys: KeyRing = request.app.state.keys
    owner = keys.owner_for(request.headers.get("authorization"))
    if owner is None:
        raise _unauthorized("Send a valid API key as 'Authorization: Bearer <key>'.")
    return owner


def get_reader(
    request: Request,
    job_id: uuid.UUID,
    token: Annotated[
        str | None,
        Query(
            max_length=200,
            description="A link token from `POST /api/jobs/{job_id}/token`, instead of the "
            "`Authorization` header (for players, download links and EventSource).",
        ),
    ] = None,
) -> str:
    """The owner for a GET of one job's media, transcript, events or insights: from the API key
    as everywhere, or from a `?token=` minted for this job by `POST /api/jobs/{id}/token`
    (browsers cannot send headers from `<audio>`, links or `EventSource`). Only routes of that
    job that read use this; a token on any other method or route is ignored."""
    keys: KeyRing = request.app.state.keys
    if (
        token is None
        or request.method != "GET"
        or not keys.required
        or "authorization" in request.headers
    ):
        return get_owner(request)
    try:  # blocking, but FastAPI runs plain `def` dependencies in its threadpool
        store: JobStore = request.app.state.store
        owner = store.get(str(job_id)).owner
    except JobNotFoundError:
        owner = None
    signer: LinkSigner = request.app.state.link_signer
    if owner is None or not signer.verify(token, str(job_id), owner):
        raise _unauthorized(
            "This link's token is invalid, expired or for another job; reload the page "
            "(it fetches a fresh one), or send 'Authorization: Bearer <key>' instead."
        )
    return owner


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


SettingsDep = Annotated[Settings, _app_state("settings")]
ModelsDep = Annotated[frozenset[str], _app_state("models")]
"""The model names jobs may ask for (`jobs.offered_models`)."""
StoreDep = Annotated[JobStore, _app_state("store")]
ManagerDep = Annotated[JobManager, _app_state("manager")]
BusDep = Annotated[EventBus, _app_state("bus")]
UploadsDep = Annotated[TusStore, _app_state("uploads")]
LayoutDep = Annotated[DataLayout, _app_state("layout")]
IntakeDep = Annotated[JobIntake, _app_state("intake")]
SignerDep = Annotated[LinkSigner, _app_state("link_signer")]
InsightsDep = Annotated[JobInsights, _app_state("insights")]
TuningDep = Annotated[TuningService, _app_state("tuning")]
LiveDep = Annotated[LiveEngine, _app_state("live")]
OwnerDep = Annotated[str, Depends(get_owner)]
ReaderDep = Annotated[str, Depends(get_reader)]
"""The owner of a job's GET-only resource: API key, or the job's signed `?token=`."""
