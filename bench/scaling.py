"""Scale-out benchmark: chunk throughput through Celery with one and with two worker processes.

Builds a lecture from the corpus' English utterances, then transcribes it through the Celery
executor (this process: decode, VAD, FLAC, Redis) against `video-transcriber worker`
subprocesses, twice, with the same total CTranslate2 threads:

* 1 process x N threads   (`worker --workers 1 --threads N`)
* N processes x 1 thread  (`worker --workers N --threads 1`)

and, for the executor's overhead, the local warm pool with N processes x 1 thread. Wall time
covers the chunk phase only (workers are started and warm first), reported as speech-audio
seconds per wall second. Needs Redis: `eval "$(scripts/test-services.sh start)"`.

    .venv/bin/python bench/scaling.py [--seconds 180] [--threads 2]

Results go to bench/out/scaling-<time>.json and are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from harness import save_results
from testkit.service_processes import WorkerProcess


def _env(redis_url: str, queue: str) -> dict[str, str]:
    return {
        "HF_HUB_OFFLINE": "1",
        "VT_EXECUTOR": "celery",
        "VT_BROKER_URL": redis_url,
        "VT_CELERY__QUEUE": queue,
        "VT_CELERY__POLL_SECONDS": "0.05",
    }


def _run(lecture: Path, executor: Any, chunk_seconds: float, work: Path) -> dict[str, Any]:
    from video_transcriber.config import Settings
    from video_transcriber.domain import TranscribeOptions
    from video_transcriber.pipeline.transcription import transcribe_media
    from video_transcriber.tuning.plan import ExecutionPlan

    plan = ExecutionPlan(1, 1, chunk_seconds, 1)
    transcript = transcribe_media(
        lecture,
        settings=Settings(),
        options=TranscribeOptions(),
        executor=executor,
        work_dir=work,
        plan=plan,
        job_id=f"bench-{uuid.uuid4().hex[:6]}",
    )
    seconds = transcript.timings["transcribe"]
    return {
        "chunks": transcript.plan["chunks"],
        "chunk_phase_seconds": round(seconds, 2),
        "audio_seconds_per_second": round(transcript.duration / seconds, 2),
        "text_chars": len(transcript.text),
    }


def _celery(lecture: Path, env: dict[str, str], shape: tuple[int, int], args: Any) -> dict:
    from video_transcriber.config import Settings
    from video_transcriber.executors.celery_executor import CeleryExecutor

    processes, threads = shape
    os.environ.update(env)
    with (
        tempfile.TemporaryDirectory(prefix="vt-scaling-") as tmp,
        WorkerProcess(Path(tmp), env, processes=processes, threads=threads),
        CeleryExecutor(Settings()) as executor,
    ):
        return _run(lecture, executor, args.chunk_seconds, Path(tmp) / "work")


def _local(lecture: Path, processes: int, args: Any) -> dict:
    from video_transcriber.config import Settings
    from video_transcriber.executors.local_pool import WarmPool
    from video_transcriber.tuning.plan import ExecutionPlan

    with (
        tempfile.TemporaryDirectory(prefix="vt-scaling-") as tmp,
        WarmPool(Settings(), ExecutionPlan(processes, 1, args.chunk_seconds, 1)) as pool,
    ):
        time.sleep(5)  # let the workers load the model before the clock starts
        return _run(lecture, pool, args.chunk_seconds, Path(tmp))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="lecture length")
    parser.add_argument("--threads", type=int, default=2, help="total CTranslate2 threads")
    parser.add_argument("--chunk-seconds", type=float, default=20.0)
    args = parser.parse_args()
    redis_url = os.environ.get("VT_TEST_REDIS_URL") or "redis://127.0.0.1:6390/0"
    env = _env(redis_url, f"vt-bench-{uuid.uuid4().hex[:6]}")

    from testkit.evaluation.corpus import english_utterances
    from testkit.evaluation.lecture import build_lecture

    n = args.threads
    with tempfile.TemporaryDirectory(prefix="vt-scaling-") as tmp:
        lecture = build_lecture(
            english_utterances(), target_seconds=args.seconds, out=Path(tmp) / "l.mp4", seed=5
        )
        results = {
            f"celery 1 process x {n} threads": _celery(lecture.path, env, (1, n), args),
            f"celery {n} processes x 1 thread": _celery(lecture.path, env, (n, 1), args),
            f"local pool {n} processes x 1 thread": _local(lecture.path, n, args),
        }
    report = {
        "lecture_seconds": args.seconds,
        "chunk_seconds": args.chunk_seconds,
        "cpus": os.cpu_count(),
        "results": results,
    }
    out = save_results("scaling", report)
    print(json.dumps(report, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
