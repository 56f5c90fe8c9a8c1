"""The model names a job of this service may ask for, worked out once when the service starts.

They are the models that load on this machine without a network (`engine.model.installed_models`:
the bundled tiny.en, the packaged models whose packages are installed, faster-whisper models
already in the Hugging Face cache or `ModelSettings.download_root`) and the configured one. Any
other name — a path on the server, a model that would need a download — is refused before a job
exists. Scanning the cache and importing faster-whisper takes a fraction of a second and ~12 MB,
so it is done once per app (`api.app.create_app`), never on a request. With Celery the list
describes the API machine: a worker elsewhere loads the model from its own packages and cache.
"""

from __future__ import annotations

from video_transcriber.config import Settings
from video_transcriber.engine.model import installed_models


def offered_models(settings: Settings) -> frozenset[str]:
    """The names jobs may ask for here (the configured model among them)."""
    return frozenset(installed_models(settings.model.download_root)) | {settings.model.name}
