"""Concurrency benchmark: does the service keep its throughput when several jobs run at once?

It builds one lecture of `--seconds` (audio-only MP4, AAC) from the real speech corpus with
`build_lecture` in a temporary directory, starts a real `video-transcriber serve` subprocess on a
loopback port with a temporary data directory, warms it up with a few seconds of speech (so model
loading is not charged to either side), and then, one after the other in the same run:

* single — submits the lecture alone (multipart `POST /api/jobs`, field `file`) and times it from
  the first byte sent until `GET /api/jobs/{id}` says completed;
* concurrent — submits 3 copies at once and times until all 3 are completed.

Throughput is media seconds per wall second. Target: the concurrent total throughput is at least
0.9x the single job's (running jobs side by side costs no more than 10% in total throughput).
Use a lecture longer than one chunk (`chunk_seconds`, 30 s at the time of writing): a
one-chunk job keeps only one worker busy, so the single side is understated and the ratio
inflated.

    .venv/bin/python bench/concurrency.py [--seconds 120] [--copies 3]

Results go to bench/out/concurrency-<time>.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from harness import save_results
from testkit.evaluation.corpus import english_utterances
from testkit.evaluation.lecture import LectureInfo, build_lecture
from testkit.service_processes import ServerProcess

SEED = 7
WARM_UP_SECONDS = 8.0
POLL_SECONDS = 0.2
TARGET_RATIO = 0.9


def build(seconds: float, out: Path) -> LectureInfo:
    print(f"building {out.name} ({seconds:g} s) ...", file=sys.stderr, flush=True)
    return build_lecture(
        english_utterances(), target_seconds=seconds, out=out, seed=SEED, video=False
    )


def submit(http: httpx.Client, path: Path, name: str) -> str:
    with path.open("rb") as media:
        response = http.post(
            "/api/jobs", data={"name": name}, files={"file": (path.name, media, "video/mp4")}
        )
    if response.status_code != 201:
        raise RuntimeError(f"submit failed: {response.status_code} {response.text}")
    job_id: str = response.json()["id"]
    return job_id


def wait_completed(http: httpx.Client, job_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = http.get(f"/api/jobs/{job_id}").json()
        if job["status"] == "completed":
            return job
        if job["status"] in {"failed", "cancelled"}:
            raise RuntimeError(f"job {job_id} {job['status']}: {job.get('error')}")
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"job {job_id} not completed after {timeout:.0f} s")


def run_jobs(server: ServerProcess, path: Path, copies: int, timeout: float) -> dict[str, Any]:
    """Submit `copies` of `path` at once; wall time from the first submit to the last completion."""

    def one(index: int) -> dict[str, Any]:
        with httpx.Client(base_url=server.url, timeout=120) as http:
            job_id = submit(http, path, f"bench {copies}x #{index}")
            job = wait_completed(http, job_id, timeout)
            job["observed_done"] = time.monotonic()
            return job

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=copies) as pool:
        jobs = list(pool.map(one, range(copies)))
    wall = max(job["observed_done"] for job in jobs) - started
    return {
        "copies": copies,
        "wall_seconds": round(wall, 2),
        "jobs": [
            {
                "id": job["id"],
                "duration": job["duration"],
                "done_after_seconds": round(job["observed_done"] - started, 2),
                "metrics": job["metrics"],
            }
            for job in jobs
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="lecture length (s)")
    parser.add_argument("--copies", type=int, default=3, help="jobs submitted at once")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vt-bench-concurrency-"))
    server: ServerProcess | None = None
    timeout = max(600.0, 20 * args.seconds * args.copies)
    try:
        info = build(args.seconds, tmp / "lecture.mp4")
        warm = build(WARM_UP_SECONDS, tmp / "warm-up.mp4")
        server = ServerProcess(tmp / "data").start()
        print(f"server at {server.url}; warming up ...", file=sys.stderr, flush=True)
        run_jobs(server, warm.path, 1, timeout)
        print("single job ...", file=sys.stderr, flush=True)
        single = run_jobs(server, info.path, 1, timeout)
        print(f"{args.copies} jobs at once ...", file=sys.stderr, flush=True)
        concurrent = run_jobs(server, info.path, args.copies, timeout)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    media = info.duration
    single_tp = media / single["wall_seconds"]
    concurrent_tp = args.copies * media / concurrent["wall_seconds"]
    ratio = concurrent_tp / single_tp
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "media_seconds": round(media, 2),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "single": {**single, "throughput": round(single_tp, 3)},
        "concurrent": {**concurrent, "throughput": round(concurrent_tp, 3)},
        "ratio_concurrent_single": round(ratio, 3),
        "targets": {f"concurrent_ge_{TARGET_RATIO}x_single": ratio >= TARGET_RATIO},
    }
    out = save_results("concurrency", results)
    print(f"lecture: {media:.1f} s of media")
    print(f"single:  {single['wall_seconds']:7.1f} s wall, {single_tp:.2f} media s / wall s")
    print(
        f"{args.copies}x:      {concurrent['wall_seconds']:7.1f} s wall, "
        f"{concurrent_tp:.2f} media s / wall s in total"
    )
    print(f"ratio concurrent/single: {ratio:.2f} (target >= {TARGET_RATIO})")
    for name, ok in results["targets"].items():
        print(f"  {'PASS' if ok else 'FAIL'} {name}")
    print(f"results: {out}")


if __name__ == "__main__":
    main()
