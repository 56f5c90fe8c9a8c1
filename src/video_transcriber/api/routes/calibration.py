"""Calibration: measure this machine with the real model, follow the progress, see the result.

`POST /api/performance/calibrate` starts it in the background (202) unless one is running or
jobs are (409); `GET /api/performance/calibration` is its progress and this machine's last
calibration. Both are thin: the work is `calibration.service.CalibrationService`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from video_transcriber.api.calibration_schemas import CalibrationStatusPublic
from video_transcriber.api.deps import OwnerDep
from video_transcriber.api.schemas import ErrorBody
from video_transcriber.calibration.service import CalibrationService


def _service(request: Request) -> CalibrationService:
    service: CalibrationService = request.app.state.calibration
    return service


CalibrationDep = Annotated[CalibrationService, Depends(_service)]

router = APIRouter(tags=["performance"])


def _body(service: CalibrationService) -> CalibrationStatusPublic:
    return CalibrationStatusPublic.of(service.status(), service.history.key, service.latest())


@router.post(
    "/api/performance/calibrate",
    status_code=202,
    response_model=CalibrationStatusPublic,
    responses={409: {"model": ErrorBody}},
)
def calibrate(service: CalibrationDep, _owner: OwnerDep) -> CalibrationStatusPublic:
    """Start calibrating this machine (about a minute on 2 cores with tiny.en); 409 while a
    calibration or any job is running, or when there is no recording with speech to measure
    on (`VT_CALIBRATION__SAMPLE`, else the newest job's media). Follow it with
    `GET /api/performance/calibration`."""
    service.start()
    return _body(service)


@router.get("/api/performance/calibration", response_model=CalibrationStatusPublic)
def calibration(service: CalibrationDep, _owner: OwnerDep) -> CalibrationStatusPublic:
    """The running (or last) calibration's progress and this machine's newest calibration."""
    return _body(service)
