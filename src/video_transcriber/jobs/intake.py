"""From an uploaded file to a queued job: move it under a generated name, probe it, store, queue.

Both ways in end here: a finished tus upload (`from_upload`) and a multipart upload already
streamed to the incoming directory (`from_file`). The client's file name is kept only as
metadata; the file on disk is `media/<job id><plain extension>`. A file that is not usable media
is deleted and refused with the probe's message before any job exists. The keywords a job was
created with are stored before it is queued, so its insights never miss them. Blocking: call from
a worker thread.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from video_transcriber.domain import TranscribeOptions
from video_transcriber.errors import MediaError
from video_transcriber.jobs.data_layout import DataLayout
from video_transcriber.jobs.manager import JobManager
from video_transcriber.store.job import Job, NewJob
from video_transcriber.store.job_store import JobStore
from video_transcriber.store.keyword_lists import KeywordStore
from video_transcriber.uploads.tus import TusStore
from video_transcriber.uploads.validation import validate_media

MAX_NAME_CHARS = 200


def display_name(name: str | None, filename: str) -> str:
    """The job's name: the one given, else the file name without its extension."""
    chosen = (name or "").strip() or Path(filename).stem or "Untitled"
    return "".join(ch for ch in chosen if ch.isprintable())[:MAX_NAME_CHARS] or "Untitled"


def clean_filename(filename: str) -> str:
    """The client's file name as metadata: last path component, printable, bounded."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:MAX_NAME_CHARS] or "upload"


@dataclass(frozen=True, slots=True)
class QueuedJob:
    """A job just queued, and the keywords kept for it (cleaned, duplicates dropped; None
    without any)."""

    job: Job
    keywords: list[str] | None


@dataclass(frozen=True, slots=True)
class JobIntake:
    store: JobStore
    manager: JobManager
    layout: DataLayout
    uploads: TusStore
    keywords: KeywordStore

    def from_upload(
        self,
        *,
        owner: str,
        upload_id: str,
        name: str | None,
        options: TranscribeOptions,
        keywords: Sequence[str] | None = None,
    ) -> QueuedJob:
        """Queue a job for a finished tus upload of `owner`; the upload is consumed."""
        job_id = str(uuid.uuid4())
        info = self.uploads.get(upload_id, owner)
        filename = clean_filename(info.filename)
        media_path = self.layout.media_name(job_id, filename)
        self.uploads.take(upload_id, owner, self.layout.inside(media_path))
        return self._queue(job_id, owner, name, filename, media_path, options, keywords)

    def from_file(
        self,
        *,
        owner: str,
        path: Path,
        filename: str,
        name: str | None,
        options: TranscribeOptions,
        keywords: Sequence[str] | None = None,
    ) -> QueuedJob:
        """Queue a job for a file streamed into the incoming directory; the file is moved."""
        job_id = str(uuid.uuid4())
        filename = clean_filename(filename)
        media_path = self.layout.media_name(job_id, filename)
        os.replace(path, self.layout.inside(media_path))
        return self._queue(job_id, owner, name, filename, media_path, options, keywords)

    def _queue(
        self,
        job_id: str,
        owner: str,
        name: str | None,
        filename: str,
        media_path: str,
        options: TranscribeOptions,
        keywords: Sequence[str] | None,
    ) -> QueuedJob:
        media = self.layout.inside(media_path)
        try:
            info = validate_media(media)
        except MediaError as exc:
            media.unlink(missing_ok=True)
            # The probe names the file on disk; people know it by the name they uploaded.
            raise type(exc)(str(exc).replace(media.name, filename)) from exc
        job = self.store.create(
            NewJob(
                id=job_id,
                owner=owner,
                name=display_name(name, filename),
                filename=filename,
                media_path=media_path,
                size_bytes=media.stat().st_size,
                duration=info.duration,
                options=options,
            )
        )
        kept = self.keywords.set_job_keywords(job.id, keywords) if keywords else None
        self.manager.submit(job.id)
        return QueuedJob(job, kept)
