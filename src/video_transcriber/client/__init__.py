"""The `upload` command's client: send files to a running service over tus, resumably, one
stream or several partial uploads at once; create jobs; fetch the transcripts.

`service` speaks the service's HTTP API, `resume` remembers upload URLs for reruns, `tus` sends a
file in one stream, `parallel` sends it as concatenated partial uploads, and `command` runs the
whole command for a list of files.
"""

from video_transcriber.client.command import UploadOptions, run_upload
from video_transcriber.client.parallel import upload_parallel
from video_transcriber.client.resume import ContentFingerprint, UploadState
from video_transcriber.client.service import ClientError, ServiceClient
from video_transcriber.client.tus import UploadResult, upload_file

__all__ = [
    "ClientError",
    "ContentFingerprint",
    "ServiceClient",
    "UploadOptions",
    "UploadResult",
    "UploadState",
    "run_upload",
    "upload_file",
    "upload_parallel",
]
