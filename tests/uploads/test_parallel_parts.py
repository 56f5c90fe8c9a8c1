"""The parts of a parallel upload run together and stop together: when one part fails, the others
stop after the chunk they have in flight (not once they are done), and the error raised is the
failed part's own, not the others' stopping."""

from __future__ import annotations

import time
from typing import cast

import pytest
from tusclient.exceptions import TusCommunicationError
from tusclient.uploader import Uploader

from video_transcriber.client.parallel import _Parts


class FakeUploader:
    """What `_Parts` uses of a tuspy uploader: `chunks` chunks of one byte, `pause` s each."""

    def __init__(self, chunks: int, *, pause: float, fails: bool = False) -> None:
        self.url = "http://server/files/" + "0" * 32
        self.offset = 0
        self.file_stream = None
        self.chunks = chunks
        self.pause = pause
        self.fails = fails

    def get_file_size(self) -> int:
        return self.chunks

    def upload_chunk(self) -> None:
        time.sleep(self.pause)
        if self.fails:
            raise TusCommunicationError("the server went away", 503)
        self.offset += 1


def test_a_failed_part_stops_the_others_at_once() -> None:
    steady = FakeUploader(1000, pause=0.005)  # 5 s to finish, reporting all the while
    failing = FakeUploader(10, pause=0.02, fails=True)
    with (
        pytest.raises(TusCommunicationError, match="went away"),
        _Parts(cast(list[Uploader], [steady, failing])) as parts,
    ):
        parts.run(steady.chunks + failing.chunks, None)
    assert steady.offset < 100
