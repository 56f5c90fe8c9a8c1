"""Open a media file and describe it (`probe`), turning FFmpeg's failures into our errors.

Files are judged by their content, never their extension: FFmpeg sniffs the bytes, and when it
cannot open them we sniff the first bytes ourselves to tell "not a media file at all"
(`NotMediaError`) from "a media file that is damaged or cut off" (`CorruptMediaError`). The
classic case of the latter is an MP4 whose upload stopped early: MP4 writers put the index
(the `moov` atom) at the end, so the head of the file holds audio that no demuxer can locate.

`open_media` is shared with `media.decode`, so both raise the same errors with the same words.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
import av.error
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition, Stream

from video_transcriber.domain import MediaInfo
from video_transcriber.errors import (
    CorruptMediaError,
    EmptyMediaError,
    MediaNotFoundError,
    NoAudioStreamError,
    NotMediaError,
)

_REUPLOAD = "upload the complete file again, or re-encode it (for example with HandBrake or ffmpeg)"

_IMAGE_FORMATS = ("image2", "_pipe", "tty", "gif", "apng")
"""Demuxers that open still images or text; FFmpeg reports them as one-frame 'video'."""


def _sniff(head: bytes) -> str | None:
    """Name the container the first bytes announce, or None if they announce none we know."""
    if len(head) >= 12 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"):
        return "MP4/MOV"
    signatures = {
        b"\x1a\x45\xdf\xa3": "Matroska/WebM",
        b"RIFF": "WAV/AVI",
        b"fLaC": "FLAC",
        b"OggS": "Ogg",
        b"ID3": "MP3",
        b"FLV": "FLV",
        b"\x30\x26\xb2\x75\x8e\x66\xcf\x11": "WMV/ASF",
    }
    for magic, name in signatures.items():
        if head.startswith(magic):
            return name
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "MP3/AAC"
    return None


def _mp4_boxes(path: Path, limit: int = 64) -> list[bytes]:
    """The types of the top-level boxes of an MP4/MOV file, as far as the file reaches."""
    boxes: list[bytes] = []
    size_on_disk = path.stat().st_size
    offset = 0
    with path.open("rb") as handle:
        while offset + 8 <= size_on_disk and len(boxes) < limit:
            handle.seek(offset)
            header = handle.read(16)
            size, kind = int.from_bytes(header[:4], "big"), header[4:8]
            if size == 1 and len(header) == 16:
                size = int.from_bytes(header[8:16], "big")
            elif size == 0:  # the box runs to the end of the file
                size = size_on_disk - offset
            if size < 8:
                break
            boxes.append(kind)
            offset += size
    return boxes


def _unreadable(path: Path, exc: Exception) -> Exception:
    """The error for a file FFmpeg refused to open, judged from its first bytes."""
    with path.open("rb") as handle:
        head = handle.read(16)
    kind = _sniff(head)
    if kind is None:
        return NotMediaError(
            f"'{path.name}' is not an audio or video file that can be read. "
            "Check that you picked the right file; if it is a recording, export it as "
            "MP4, MKV, MP3, WAV or another common format and try again."
        )
    if kind == "MP4/MOV" and b"moov" not in _mp4_boxes(path):
        return CorruptMediaError(
            f"'{path.name}' starts like an MP4/MOV file but its index (the 'moov' atom) is "
            "missing, which happens when a recording or upload is cut off before it finishes. "
            f"No audio can be located without it: {_REUPLOAD}."
        )
    return CorruptMediaError(
        f"'{path.name}' looks like a {kind} file but cannot be read ({exc.__class__.__name__}); "
        f"it is probably damaged or incomplete: {_REUPLOAD}."
    )


def no_audio_in(path: Path) -> Exception:
    """The error for a file that opened but gave no audio: empty media, or not media at all."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if _sniff(head) is None:
        return NotMediaError(
            f"'{path.name}' does not look like an audio or video file (no sound could be read "
            "from it). Check that you picked the right file and that it plays in a media player."
        )
    return EmptyMediaError(
        f"'{path.name}' has an audio track with no sound in it (zero length). "
        "Check that the recording has sound and export it again."
    )


@contextmanager
def open_media(path: Path) -> Iterator[InputContainer]:
    """Open `path` for reading, raising our errors instead of FFmpeg's."""
    if not path.exists():
        raise MediaNotFoundError(
            f"'{path}' does not exist. Check the path, or upload the file again if it was removed."
        )
    if path.is_dir():
        raise NotMediaError(f"'{path}' is a folder; pass one audio or video file instead.")
    if path.stat().st_size == 0:
        raise EmptyMediaError(
            f"'{path.name}' is empty (0 bytes); the copy or upload probably failed. "
            "Upload it again."
        )
    try:
        container = av.open(str(path), mode="r")
    except FileNotFoundError as exc:  # removed between the check and the open
        raise MediaNotFoundError(f"'{path}' disappeared before it could be read.") from exc
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise _unreadable(path, exc) from exc
    try:
        yield container
    finally:
        container.close()


def _is_still_image(stream: Stream) -> bool:
    return bool(stream.disposition & Disposition.attached_pic)


def audio_stream(container: InputContainer, path: Path) -> AudioStream:
    """The audio stream to transcribe (FFmpeg's pick of the best), or the error saying why none."""
    audio = list(container.streams.audio)
    if audio:
        try:
            best = container.streams.best("audio")
            return best if isinstance(best, AudioStream) else audio[0]
        except (ValueError, av.error.FFmpegError):  # pragma: no cover - best() is advisory
            return audio[0]
    video = [s for s in container.streams.video if not _is_still_image(s)]
    fmt = container.format.name
    if video and not any(part in fmt for part in _IMAGE_FORMATS):
        raise NoAudioStreamError(
            f"'{path.name}' is a video without a sound track, so there is nothing to transcribe. "
            "Check that the recording captured audio (microphone on, correct input selected) "
            "and export it again with sound."
        )
    raise NotMediaError(
        f"'{path.name}' holds no audio (FFmpeg reads it as '{fmt}'). Pass an audio or video "
        "recording such as MP4, MKV, MOV, MP3, WAV or M4A."
    )


def stream_duration(stream: Stream) -> float | None:
    """The stream's own duration from the container header, if it records one."""
    if stream.duration is None or stream.time_base is None:
        return None
    return float(stream.duration * stream.time_base)


def _scanned_duration(container: InputContainer, stream: Stream) -> float:
    """Duration from packet timestamps, for headers that leave it out (no decoding)."""
    end = 0.0
    for packet in container.demux(stream):
        if packet.pts is None or packet.time_base is None:
            continue
        end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    return end


def probe(path: Path) -> MediaInfo:
    """Describe `path` without decoding it; raises a `MediaError` subclass saying what to do."""
    path = Path(path)
    with open_media(path) as container:
        stream = audio_stream(container, path)
        codec = stream.codec_context
        video = [s for s in container.streams.video if not _is_still_image(s)]
        duration = stream_duration(stream)
        if duration is None and container.duration is not None:
            duration = container.duration / 1_000_000
        if duration is None:
            try:
                duration = _scanned_duration(container, stream)
            except av.error.FFmpegError as exc:
                raise CorruptMediaError(
                    f"'{path.name}' could not be read to the end ({exc}): {_REUPLOAD}."
                ) from exc
        if duration <= 0 or not codec.sample_rate:
            raise no_audio_in(path)
        return MediaInfo(
            path=str(path),
            container=container.format.name,
            duration=duration,
            audio_codec=codec.name,
            sample_rate=int(codec.sample_rate),
            channels=int(codec.channels),
            has_video=bool(video),
            video_codec=video[0].codec_context.name if video else None,
            size_bytes=path.stat().st_size,
        )
