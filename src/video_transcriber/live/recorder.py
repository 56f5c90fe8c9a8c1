"""Keeping a live stream's audio: 16 kHz mono 16-bit WAV, written as the stream arrives.

WAV because the offline pipeline (PyAV) reads it like any upload, and the bytes are the PCM
the client sent, so writing costs nothing but the copy. Only whole samples are written (an odd
byte waits for its partner), so the file is valid even if the server dies mid-stream (`wave`
patches the header's lengths on close; a crash leaves them short, which PyAV tolerates).
"""

from __future__ import annotations

import wave
from pathlib import Path

from video_transcriber.domain import SAMPLE_RATE


class WavRecorder:
    """Appends PCM bytes to a WAV file; `close()` finishes it and returns its path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = wave.open(str(path), "wb")  # noqa: SIM115 (closed by close())
        self._file.setnchannels(1)
        self._file.setsampwidth(2)
        self._file.setframerate(SAMPLE_RATE)
        self._dangling = b""
        self.samples = 0

    def write(self, data: bytes) -> None:
        data = self._dangling + data
        whole = len(data) - len(data) % 2
        self._dangling = data[whole:]
        if whole:
            self._file.writeframesraw(data[:whole])
            self.samples += whole // 2

    def close(self) -> Path:
        self._file.close()
        return self.path

    def discard(self) -> None:
        """Close and delete (the stream was abandoned or refused)."""
        self._file.close()
        self.path.unlink(missing_ok=True)
