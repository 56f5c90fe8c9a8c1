"""Typed dependencies: services from `app.state`, and the caller's owner from the API key.

Routes declare what they need as `StoreDep`, `ManagerDep`, ... instead of reaching into
`request.app.state`; tests build the app with their own settings and runner, so nothing here is
cached or global.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from video_transcriber.api.security import KeyRing
from video_transcriber.config import Settings
from video_transcriber.jobs.events import EventBus
from video_transcriber.jobs.intake import JobIntake
from video_transcriber.jobs.layout import DataLayout
from video_transcriber.jobs.manager import JobManager
from video_transcriber.jobs.store import JobStore
from video_transcriber.uploads.tus import TusStore


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> JobStore:
    store: JobStore = request.app.state.store
    return store


def get_manager(request: Request) -> JobManager:
    manager: JobManager = request.app.state.manager
    return manager


def get_bus(request: Request) -> EventBus:
    bus: EventBus = request.app.state.bus
    return bus


def get_uploads(request: Request) -> TusStore:
    uploads: TusStore = request.app.state.uploads
    return uploads


def get_layout(request: Request) -> DataLayout:
    layout: DataLayout = request.app.state.layout
    return layout


def get_intake(request: Request) -> JobIntake:
    intake: JobIntake = request.app.state.intake
    return intake


def get_owner(request: Request) -> str:
    """The caller's owner hash; 401 when keys are configured and none (or a wrong one) is sent."""
    keys: KeyRing = request.app.state.keys
    owner = keys.owner_for(request.headers.get("authorization"))
    if owner is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Send a valid API key as 'Authorization: Bearer <key>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return owner


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[JobStore, Depends(get_store)]
ManagerDep = Annotated[JobManager, Depends(get_manager)]
BusDep = Annotated[EventBus, Depends(get_bus)]
UploadsDep = Annotated[TusStore, Depends(get_uploads)]
LayoutDep = Annotated[DataLayout, Depends(get_layout)]
IntakeDep = Annotated[JobIntake, Depends(get_intake)]
OwnerDep = Annotated[str, Depends(get_owner)]
