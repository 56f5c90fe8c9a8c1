"""Liveness and the facts clients need before uploading: `/healthz`, `/api/config`."""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter

from video_transcriber import __version__
from video_transcriber.api.deps import ModelsDep, SettingsDep, StoreDep
from video_transcriber.api.schemas import Health, ServiceConfig, TranscriptFormat
from video_transcriber.api.security import KeyRing
from video_transcriber.uploads.tus import TUS_EXTENSIONS, TUS_VERSION

router = APIRouter(tags=["system"])


@router.get("/healthz", response_model=Health)
def healthz(store: StoreDep) -> Health:
    """The service is up and its database answers."""
    store.ping()
    return Health(status="ok", version=__version__)


@router.get("/api/config", response_model=ServiceConfig)
def service_config(settings: SettingsDep, models: ModelsDep) -> ServiceConfig:
    """Upload endpoint, recommended chunk size, limits, and what a job may ask for."""
    service = settings.service
    return ServiceConfig(
        tus_endpoint="/files/",
        tus_version=TUS_VERSION,
        tus_extensions=list(TUS_EXTENSIONS),
        chunk_size_bytes=service.tus_chunk_bytes,
        max_upload_bytes=service.max_upload_bytes,
        upload_expiry_seconds=service.upload_expiry_hours * 3600,
        auth_required=KeyRing(service.api_keys).required,
        default_model=settings.model.name,
        models=sorted(models),
        transcript_formats=list(get_args(TranscriptFormat)),
    )
