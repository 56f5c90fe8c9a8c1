"""Where the service keeps its files under the data directory.

    <data_dir>/jobs.sqlite3        the job store (unless a database URL is set)
    <data_dir>/uploads/            tus uploads in progress: <id> + <id>.json
    <data_dir>/incoming/           multipart uploads while they stream in
    <data_dir>/media/<job id>.ext  each job's media, under a generated name
    <data_dir>/work/<job id>/      decoded audio and other scratch files of a job

Clients never name a path: every file name here is generated, and `inside` refuses any path that
would leave the data directory.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

_SAFE_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")


@dataclass(frozen=True, slots=True)
class DataLayout:
    root: Path

    @classmethod
    def create(cls, root: Path) -> DataLayout:
        layout = cls(root.resolve())
        for directory in (layout.uploads, layout.incoming, layout.media, layout.work):
            directory.mkdir(parents=True, exist_ok=True)
        return layout

    @property
    def uploads(self) -> Path:
        return self.root / "uploads"

    @property
    def incoming(self) -> Path:
        return self.root / "incoming"

    @property
    def media(self) -> Path:
        return self.root / "media"

    @property
    def work(self) -> Path:
        return self.root / "work"

    def inside(self, relative: str | Path) -> Path:
        """`relative` resolved under the data directory; ValueError if it would escape it."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"{relative!s} is outside the data directory")
        return path

    def media_name(self, job_id: str, original_filename: str) -> str:
        """The generated, data-dir-relative name for a job's media; keeps a plain extension."""
        suffix = Path(original_filename).suffix.lower()
        return f"media/{job_id}{suffix if _SAFE_SUFFIX.match(suffix) else ''}"

    def work_dir(self, job_id: str) -> Path:
        return self.inside(Path("work") / job_id)

    def remove_scratch(self, job_id: str) -> None:
        """Delete a job's scratch files (decoded audio); missing files are fine."""
        shutil.rmtree(self.work_dir(job_id), ignore_errors=True)

    def remove_job_files(self, job_id: str, media_path: str) -> None:
        """Delete a job's media and scratch files; missing files are fine."""
        self.remove_scratch(job_id)
        if not media_path:
            return
        try:
            media = self.inside(media_path)
        except ValueError:
            return
        if media.is_file():
            media.unlink(missing_ok=True)
