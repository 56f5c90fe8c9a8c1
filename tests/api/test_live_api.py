"""`GET /api/live` end to end: a real server (subprocess, bundled model) and real speech.

One server per module, with an API key: a stream with the key gets partials and finals that
carry the clip's words at times inside the audio, then `done` with a job that the offline
pipeline completes; without the key, or with a malformed frame, a wrong sample rate or a stream
over the upload cap, the client gets an error frame and a clean close, and the server stays up.
A browser-style live token from `POST /api/live/token` works in place of the header. The
`live` command streams a file and prints the captions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from testkit.evaluation.corpus import Clip
from testkit.evaluation.wer import word_error_rate
from tests.api.conftest import REPO, LiveServer, wait_for_status
from video_transcriber.client.live import file_frames

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

KEY = "live-test-key-41c9"
AUTH = {"Authorization": f"Bearer {KEY}"}
CAP_BYTES = 2_000_000
"""The upload cap of this server: about a minute of 16 kHz int16 audio."""
MAX_WER = 0.12
"""The JFK clip's finals: measured 0.05 (one word in 22) + 0.07."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live") / "data"
    env = {
        "VT_SERVICE__API_KEYS": json.dumps([KEY]),
        "VT_SERVICE__SECRET_KEY": "live-test-secret",
        "VT_SERVICE__MAX_UPLOAD_BYTES": str(CAP_BYTES),
        "VT_LIVE__PRELOAD": "true",
        "VT_TUNING__WORKERS": "1",
        "VT_TUNING__MIN_WORKERS": "1",
        "VT_TUNING__DEFAULT_WORKERS": "1",
    }
    live = LiveServer(data_dir, env).start()
    yield live
    live.stop()
    live.kill()


def ws_url(server: LiveServer, query: str = "") -> str:
    return server.url.replace("http://", "ws://") + "/api/live" + query


def messages_until_closed(connection: ClientConnection) -> tuple[list[dict[str, Any]], int]:
    """Every message the server sends, and the close code it ends with."""
    out: list[dict[str, Any]] = []
    try:
        for raw in connection:
            out.append(json.loads(raw))
    except ConnectionClosed:
        pass
    assert connection.close_code is not None
    return out, connection.close_code


def stream_clip(connection: ClientConnection, clip: Clip, speed: float = 2.0) -> None:
    """The clip in 100 ms frames at `speed` times real time (fast enough for a short test,
    slow enough that partials come while it plays), then stop."""
    for frame in file_frames(clip.path):
        connection.send(frame)
        time.sleep(len(frame) / 32_000 / speed)
    connection.send(json.dumps({"type": "stop"}))


@pytest.fixture(scope="module")
def streamed(server: LiveServer, jfk_clip: Clip) -> list[dict[str, Any]]:
    """The JFK clip at twice real time, with the API key."""
    with connect(ws_url(server, "?language=en&sample_rate=16000"), additional_headers=AUTH) as ws:
        stream_clip(ws, jfk_clip)
        messages, code = messages_until_closed(ws)
    assert code == 1000
    return messages


def test_captions_carry_the_clips_words_inside_its_audio(
    streamed: list[dict[str, Any]], jfk_clip: Clip
) -> None:
    kinds = [m["type"] for m in streamed]
    assert kinds[-1] == "done" and kinds.count("done") == 1
    assert "partial" in kinds and "error" not in kinds
    finals = [m for m in streamed if m["type"] == "final"]
    text = " ".join(m["text"] for m in finals)
    assert word_error_rate(jfk_clip.reference, text) <= MAX_WER, text
    for final in finals:
        assert set(final) == {"type", "text", "start", "end"}
        assert 0 <= final["start"] <= final["end"] <= jfk_clip.duration + 0.05
    assert [f["start"] for f in finals] == sorted(f["start"] for f in finals)
    for partial in (m for m in streamed if m["type"] == "partial"):
        assert set(partial) == {"type", "text", "start"}


def test_the_done_session_completes_offline(
    server: LiveServer, streamed: list[dict[str, Any]], jfk_clip: Clip
) -> None:
    job_id = streamed[-1]["job_id"]
    with server.client(headers=AUTH) as http:
        job = wait_for_status(http, job_id, {"completed", "failed"}, timeout=180, headers=AUTH)
        assert job["status"] == "completed", job
        assert abs(job["duration"] - jfk_clip.duration) < 0.05
        transcript = http.get(f"/api/jobs/{job_id}/transcript", params={"format": "json"})
        assert transcript.status_code == 200
        text = " ".join(s["text"] for s in transcript.json()["segments"])
        assert word_error_rate(jfk_clip.reference, text) <= MAX_WER, text
        found = http.get("/api/search", params={"q": "country"}).json()
        assert job_id in json.dumps(found)


def test_live_metrics_count_the_stream(server: LiveServer, streamed: list[dict[str, Any]]) -> None:
    finals = sum(m["type"] == "final" for m in streamed)
    live = httpx.get(f"{server.url}/api/performance/live", headers=AUTH).json()["captions"]
    assert live["streams_total"] >= 1 and live["finals_total"] >= finals
    assert 0 <= live["final_latency_median"] <= live["final_latency_p95"]
    metrics = httpx.get(f"{server.url}/metrics", headers=AUTH).text
    assert "video_transcriber_live_final_latency_seconds_count" in metrics
    assert "video_transcriber_live_streams 0.0" in metrics


def test_without_the_key_the_stream_is_refused(server: LiveServer) -> None:
    for headers in (None, {"Authorization": "Bearer wrong"}):
        with connect(ws_url(server), additional_headers=headers) as ws:
            messages, code = messages_until_closed(ws)
        assert code == 1008
        assert messages[0]["type"] == "error" and "API key" in messages[0]["message"]
    with connect(ws_url(server, "?token=nope.123.abc")) as ws:
        messages, code = messages_until_closed(ws)
    assert code == 1008 and messages[0]["type"] == "error"


def test_a_live_token_in_the_query_works_instead_of_the_header(
    server: LiveServer, jfk_clip: Clip
) -> None:
    minted = httpx.post(f"{server.url}/api/live/token", headers=AUTH)
    assert minted.status_code == 200, minted.text
    token = minted.json()["token"]
    assert KEY not in token
    with connect(ws_url(server, f"?token={token}")) as ws:
        ws.send(next(iter(file_frames(jfk_clip.path))))
        ws.send(json.dumps({"type": "stop"}))
        messages, code = messages_until_closed(ws)
    assert code == 1000 and messages[-1]["type"] == "done"


@pytest.mark.parametrize(
    ("query", "frame", "code", "words"),
    [
        ("", "not json", 1003, "must be JSON"),
        ("", '{"type": "pause"}', 1003, "only text message"),
        ("?sample_rate=44100", None, 1003, "16 kHz"),
        ("?language=english!", None, 1003, "language code"),
        ("?model=/etc/passwd", None, 1003, "not on this server"),
    ],
)
def test_bad_input_gets_an_error_frame_and_a_clean_close(
    server: LiveServer, query: str, frame: str | None, code: int, words: str
) -> None:
    with connect(ws_url(server, query), additional_headers=AUTH) as ws:
        if frame is not None:
            ws.send(b"\x00\x00" * 1600)
            ws.send(frame)
        messages, close_code = messages_until_closed(ws)
    assert close_code == code
    assert messages[-1]["type"] == "error" and words in messages[-1]["message"]
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_a_stream_over_the_upload_cap_is_ended(server: LiveServer) -> None:
    silence = b"\x00\x00" * 16_000  # a second
    with connect(ws_url(server), additional_headers=AUTH) as ws:
        sent = 0
        try:
            while sent <= CAP_BYTES:
                ws.send(silence)
                sent += len(silence)
        except ConnectionClosed:
            pass
        messages, code = messages_until_closed(ws)
    assert code == 1009
    assert messages[-1]["type"] == "error" and "upload limit" in messages[-1]["message"]
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_the_live_command_prints_captions(server: LiveServer, jfk_clip: Clip) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "video_transcriber", "live", str(jfk_clip.path), "--fast",
         "--server", server.url, "--api-key", KEY],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines and all(line.startswith("[0:") for line in lines), result.stdout
    assert word_error_rate(jfk_clip.reference, " ".join(line[7:] for line in lines)) <= MAX_WER
    assert "/sessions/" in result.stderr


def test_the_live_command_reads_pcm_from_stdin(server: LiveServer, jfk_clip: Clip) -> None:
    pcm = b"".join(file_frames(jfk_clip.path))
    command = [sys.executable, "-m", "video_transcriber", "live", "-", "--server", server.url]
    env = {**os.environ, "VT_API_KEY": KEY}
    result = subprocess.run(command, input=pcm, capture_output=True, timeout=120, cwd=REPO, env=env)
    assert result.returncode == 0, result.stderr
    assert b"country" in result.stdout and b"/sessions/" in result.stderr
    refused = subprocess.run(command, input=pcm, capture_output=True, timeout=120, cwd=REPO)
    assert refused.returncode == 1 and b"API key" in refused.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "video_transcriber", "live", "no-such.wav"],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert missing.returncode == 2 and "does not exist" in missing.stderr
