"""The service's HTTP API as the upload command uses it, with failures turned into `ClientError`.

Each error people can act on (server down, refused key, file too large, not media) becomes one
sentence that says what happened and what to do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

POLL_SECONDS = 0.5

JobProgress = Callable[[dict[str, Any]], None]


class ClientError(Exception):
    """Something the person can fix; `str()` says what happened and what to do."""


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    detail = body.get("detail") if isinstance(body, dict) else None  # always a sentence
    return str(detail or body)


def explain(status: int | None, detail: str, server: str) -> str:
    """One sentence for an HTTP failure, with what to do."""
    if status == 401:
        return (
            f"The server at {server} refused the API key. Pass a valid one with --api-key "
            "(or VT_API_KEY)."
        )
    if status == 413:
        return f"The file is too large for this server: {detail}"
    if status == 422:
        return f"The server cannot use this file: {detail}"
    return f"The server answered {status}: {detail}"


def unreachable(server: str, reason: str) -> ClientError:
    return ClientError(
        f"Cannot reach the server at {server} ({reason}). Is it running? Start it with "
        "`video-transcriber serve`, or pass --server with its address."
    )


class ServiceClient:
    """The few API calls the upload command makes, with errors turned into `ClientError`."""

    def __init__(self, server: str, api_key: str | None, *, timeout: float = 60.0) -> None:
        self.server = server.rstrip("/")
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(base_url=self.server, headers=self.headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise unreachable(self.server, type(exc).__name__) from exc
        if response.is_error:
            raise ClientError(explain(response.status_code, _detail(response), self.server))
        return response

    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = self.request("GET", "/api/config").json()
        return config

    def create_job(self, upload_url: str, name: str | None) -> dict[str, Any]:
        upload_id = upload_url.rstrip("/").rsplit("/", 1)[-1]
        body: dict[str, Any] = {"upload_id": upload_id}
        if name:
            body["name"] = name
        job: dict[str, Any] = self.request("POST", "/api/jobs", json=body).json()
        return job

    def wait(self, job_id: str, on_progress: JobProgress | None = None) -> dict[str, Any]:
        """Poll the job until it is final; returns it (completed, failed or cancelled)."""
        while True:
            job: dict[str, Any] = self.request("GET", f"/api/jobs/{job_id}").json()
            if on_progress is not None:
                on_progress(job)
            if job["status"] in ("completed", "failed", "cancelled"):
                return job
            time.sleep(POLL_SECONDS)

    def transcript(self, job_id: str, fmt: str) -> str:
        response = self.request("GET", f"/api/jobs/{job_id}/transcript", params={"format": fmt})
        return response.text
