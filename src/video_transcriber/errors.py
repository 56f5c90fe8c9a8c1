"""The exception tree. Every error says what happened and what the person can do about it.

    VideoTranscriberError                 base; `str(error)` is a sentence for people
    ├── MediaError                        the input file cannot be used
    │   ├── MediaNotFoundError            no such file
    │   ├── NotMediaError                 not an audio/video container we can read
    │   ├── NoAudioStreamError            a video with no sound track
    │   ├── CorruptMediaError             truncated or damaged part-way
    │   └── EmptyMediaError               zero duration / no audio samples
    ├── ModelError                        the speech model cannot be found or loaded
    ├── ConfigurationError                settings that cannot work (bad values, unsafe defaults)
    ├── TuningError                       a tuning change out of the limits (422)
    │   └── TuningConflictError           valid alone, out of limits with the saved values (409)
    ├── CalibrationBusyError              a calibration is running, or jobs are (409)
    ├── CalibrationSampleError            no recording with speech to calibrate on (409)
    ├── UploadError                       upload refused (size cap, bad metadata)
    │   ├── UploadTooLargeError           over the size cap (413, before any byte lands)
    │   ├── UploadNotFoundError           no such upload for this caller (404)
    │   ├── UploadOffsetError             resumed at the wrong offset, or busy (409)
    │   ├── UploadFinalError              a PATCH to a concatenated final upload (403)
    │   ├── UploadChecksumError           a PATCH whose bytes do not match Upload-Checksum (460)
    │   └── UploadExpiredError            unfinished for too long and deleted (410)
    ├── JobError                          job lookups and state changes
    │   ├── JobNotFoundError
    │   └── InvalidTransitionError        e.g. retrying a job that is still running
    ├── CancelledError                    the job was cancelled while work was under way
    └── WorkerCrashedError                a transcription worker process died twice on one chunk

`http_status` is a hint for the API layer, which maps errors to responses without importing them
one by one.
"""

from __future__ import annotations


class VideoTranscriberError(Exception):
    """Base of every error this package raises on purpose."""

    http_status: int = 500


class MediaError(VideoTranscriberError):
    http_status = 422


class MediaNotFoundError(MediaError):
    http_status = 404


class NotMediaError(MediaError):
    pass


class NoAudioStreamError(MediaError):
    pass


class CorruptMediaError(MediaError):
    pass


class EmptyMediaError(MediaError):
    pass


class ModelError(VideoTranscriberError):
    http_status = 503


class ConfigurationError(VideoTranscriberError):
    http_status = 500


class TuningError(VideoTranscriberError):
    """A change of workers, threads, chunk length or batch size that the limits rule out."""

    http_status = 422


class TuningConflictError(TuningError):
    """A change that is within the limits by itself, but not together with the saved values
    (for example threads that, times the saved workers, make too many threads)."""

    http_status = 409


class UploadError(VideoTranscriberError):
    http_status = 400


class UploadTooLargeError(UploadError):
    http_status = 413


class UploadNotFoundError(UploadError):
    http_status = 404


class UploadOffsetError(UploadError):
    http_status = 409


class UploadFinalError(UploadError):
    http_status = 403


class UploadChecksumError(UploadError):
    http_status = 460


class UploadExpiredError(UploadError):
    http_status = 410


class JobError(VideoTranscriberError):
    http_status = 409


class JobNotFoundError(JobError):
    http_status = 404


class InvalidTransitionError(JobError):
    http_status = 409


class CancelledError(VideoTranscriberError):
    http_status = 409


class WorkerCrashedError(VideoTranscriberError):
    """A worker process died (out of memory, killed) and the retry of its chunk died too."""

    http_status = 500


class CalibrationBusyError(VideoTranscriberError):
    """A calibration cannot start now: one is running, or jobs would compete with it."""

    http_status = 409


class CalibrationSampleError(VideoTranscriberError):
    """Calibration has no recording with speech to measure on (none configured, none found)."""

    http_status = 409
