"""`GET /metrics`: the app's Prometheus registry in the text exposition format."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from video_transcriber.api.deps import OwnerDep
from video_transcriber.api.metrics import ServiceMetrics

router = APIRouter(tags=["system"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics(request: Request, _owner: OwnerDep) -> Response:
    """Jobs by status, queue length, chunks transcribed and their decode time, job real-time
    factors and upload bytes; with API keys configured, scrape with a bearer token."""
    registry: ServiceMetrics = request.app.state.metrics
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)
