"""Live captions benchmark: a built lecture streamed at real-time pace through the real server.

It builds a lecture of `--seconds` (real speech from ../shared/data/speech laid end to end with
pauses, 16 kHz WAV) with `build_lecture`, starts `video-transcriber serve` (bundled tiny.en,
live decoders preloaded, one offline worker) on a loopback port, and in one run:

* single — streams the lecture over `GET /api/live` in 100 ms frames at real-time pace and
  records when every message arrives. Final latency is arrival - `end` (the stream is sent in
  real time, so audio at `end` left the client `end` seconds after the start). Caption interval
  is the gap between two messages while a clip is being spoken (from 1 s into it to its end).
  After `stop` the `done` session is transcribed by the offline pipeline: the finals' WER is
  compared with that offline WER of the same audio (the baseline, side by side, same run);
* concurrent — two streams of the same lecture at once: each one's median latency.

Targets (issue 14, 2 cores, tiny.en): median latency ≤ 2.0 s, p95 ≤ 4 s, captions at least
every 1 s during speech, finals WER ≤ 1.15 x offline WER, two streams still meet the median.

    .venv/bin/python bench/live.py [--seconds 180] [--skip-concurrent]

Results go to bench/out/live-<time>.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from websockets.sync.client import connect

from harness import cpu_summary, save_results
from testkit.evaluation.corpus import english_utterances
from testkit.evaluation.lecture import LectureInfo, build_lecture
from testkit.evaluation.wer import word_error_rate
from testkit.service_processes import ServerProcess
from video_transcriber.client.live import file_frames

REPO = Path(__file__).resolve().parents[1]
FRAME_SECONDS = 0.1
ONSET_SECONDS = 1.0
"""Caption gaps are measured from this far into each clip (the first words need a moment)."""
SERVER_ENV = {
    "HF_HUB_OFFLINE": "1",
    "VT_LIVE__PRELOAD": "true",
    "VT_TUNING__WORKERS": "1",
    "VT_TUNING__MIN_WORKERS": "1",
    "VT_TUNING__DEFAULT_WORKERS": "1",
    "VT_SERVICE__MAX_RUNNING_JOBS": "1",
}


@dataclass
class StreamRun:
    """What one stream received: (arrival seconds, message) in order."""

    messages: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    error: str | None = None

    @property
    def finals(self) -> list[tuple[float, dict[str, Any]]]:
        return [(t, m) for t, m in self.messages if m["type"] == "final"]

    @property
    def job_id(self) -> str | None:
        done = [m for _, m in self.messages if m["type"] == "done"]
        return done[0]["job_id"] if done else None

    def latencies(self) -> list[float]:
        return [t - m["end"] for t, m in self.finals]

    def gaps(self, info: LectureInfo) -> list[float]:
        """Seconds between two captions while a clip is spoken."""
        times = [t for t, m in self.messages if m["type"] in ("partial", "final")]
        out: list[float] = []
        for placement in info.placements:
            inside = [t for t in times if placement.start + ONSET_SECONDS <= t <= placement.end]
            edges = [placement.start + ONSET_SECONDS, *inside, placement.end]
            out += [b - a for a, b in itertools.pairwise(edges) if b > a]
        return out


def stream(url: str, frames: list[bytes]) -> StreamRun:
    """Send `frames` at real-time pace, then stop; collect every message until `done`."""
    run = StreamRun()
    with connect(url, max_size=2**20) as ws:
        began = time.monotonic()

        def send() -> None:
            for index, frame in enumerate(frames):
                delay = began + index * FRAME_SECONDS - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                ws.send(frame)
            ws.send(json.dumps({"type": "stop"}))

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        for raw in ws:
            message = json.loads(raw)
            run.messages.append((time.monotonic() - began, message))
            if message["type"] in ("done", "error"):
                run.error = message.get("message")
                break
        sender.join()
    return run


def offline_text(server: ServerProcess, job_id: str, timeout: float = 1800) -> str:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=server.url, timeout=30) as http:
        while time.monotonic() < deadline:
            job = http.get(f"/api/jobs/{job_id}").json()
            if job["status"] in ("completed", "failed", "cancelled"):
                break
            time.sleep(1)
        if job["status"] != "completed":
            raise SystemExit(f"the live session's offline job ended {job['status']}: {job}")
        document = http.get(f"/api/jobs/{job_id}/transcript", params={"format": "json"}).json()
    return " ".join(segment["text"] for segment in document["segments"])


def summary(run: StreamRun, info: LectureInfo) -> dict[str, Any]:
    latencies = np.asarray(run.latencies())
    gaps = np.asarray(run.gaps(info))
    text = " ".join(m["text"] for _, m in run.finals)
    return {
        "finals": len(latencies),
        "partials": sum(m["type"] == "partial" for _, m in run.messages),
        "latency_median": round(float(np.median(latencies)), 3),
        "latency_p95": round(float(np.percentile(latencies, 95)), 3),
        "latency_max": round(float(latencies.max()), 3),
        "caption_gap_median": round(float(np.median(gaps)), 3),
        "caption_gap_p95": round(float(np.percentile(gaps, 95)), 3),
        "caption_gaps_within_1s": round(float(np.mean(gaps <= 1.0)), 3),
        "finals_wer": round(word_error_rate(info.reference, text), 4),
        "error": run.error,
    }


def concurrent(url: str, frames: list[bytes], info: LectureInfo) -> list[dict[str, Any]]:
    runs: list[StreamRun] = [StreamRun(), StreamRun()]

    def one(i: int) -> None:
        runs[i] = stream(url, frames)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [summary(run, info) for run in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--skip-concurrent", action="store_true")
    args = parser.parse_args()
    print(cpu_summary(), f"; load average {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="vt-live-bench-") as tmp:
        root = Path(tmp)
        info = build_lecture(
            english_utterances(), target_seconds=args.seconds, out=root / "lecture.wav",
            seed=7, video=False, container="wav",
        )  # fmt: skip
        frames = list(file_frames(info.path))
        with ServerProcess(root / "data", SERVER_ENV, cwd=REPO) as server:
            url = server.url.replace("http://", "ws://") + "/api/live?language=en"
            single = stream(url, frames)
            result: dict[str, Any] = {"seconds": info.duration, "single": summary(single, info)}
            if single.job_id is None:
                raise SystemExit(f"no session came back: {single.error}")
            offline_wer = word_error_rate(info.reference, offline_text(server, single.job_id))
            result["offline_wer"] = round(offline_wer, 4)
            result["wer_ratio"] = round(result["single"]["finals_wer"] / max(offline_wer, 1e-9), 3)
            print(json.dumps(result, indent=2), flush=True)
            if not args.skip_concurrent:
                result["concurrent"] = concurrent(url, frames, info)
                print(json.dumps(result["concurrent"], indent=2), flush=True)
            result["server_live"] = httpx.get(f"{server.url}/api/performance/live").json()[
                "captions"
            ]
    result["cpu"] = cpu_summary()
    result["load_average_after"] = os.getloadavg()
    print(f"saved {save_results('live', result)}")


if __name__ == "__main__":
    main()
