"""Upload benchmark: tus throughput, one stream and parallel parts, against a plain disk write.

In one run, on the same disk and the same file of random bytes (built in a temporary directory,
streamed, never held in memory), it times:

* dd — `dd if=<file> of=<tmp>/dd.out bs=8M conv=fdatasync`, the disk's sequential write speed,
  run before, between and after the uploads (this virtual disk's speed drifts with the other
  load on the host); the reference is the median of the three;
* single — `video-transcriber upload`'s client (the real `tuspy` client) sending the file in one
  stream of `--chunk-mb` PATCHes to a real `video-transcriber serve` subprocess on a loopback
  port, its data directory on the same disk;
* parallel — the same client sending `--parallel` partial uploads at once (one thread each, the
  same chunk size) and then the final `Upload-Concat: final;...` request; its time includes the
  concatenation, which is also reported alone.

Each timed step starts after `--settle` seconds of quiet: this virtual disk absorbs writes into
the host's cache and then drains it, so a write that follows another within seconds (dd or upload
alike) runs at a fraction of the speed of one that follows a pause (1 GiB dd: 200-1300 MB/s).

The server's RSS is sampled every 0.1 s during each upload. After each upload the bytes the server
holds are checked against the source's SHA-256 (outside the timing) and the upload is deleted.

Targets: each upload at least 0.8x dd's throughput, the server's RSS grows by at most 100 MB, and
the concatenated file is byte-identical to the source.

    .venv/bin/python bench/upload.py [--gib 1.0] [--chunk-mb 50] [--parallel 4]

Results go to bench/out/upload-<time>.json.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from harness import save_results, tree_rss
from testkit.service_processes import ServerProcess
from video_transcriber.client import ServiceClient, UploadState, upload_file
from video_transcriber.client.parallel import concatenate, send_parts

MB = 1024**2
GIB = 1024**3
BLOCK = 8 * MB
SAMPLE_SECONDS = 0.1
TARGET_RATIO = 0.8
TARGET_RSS_GROWTH_MB = 100.0
TUS = {"Tus-Resumable": "1.0.0"}


@dataclass
class RssSampler:
    """Samples the RSS of one process (and of its whole tree) every `SAMPLE_SECONDS`."""

    pid: int
    peak: int = 0
    peak_tree: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def read(self) -> tuple[int, int]:
        root = psutil.Process(self.pid)
        return root.memory_info().rss, tree_rss(root)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                rss, tree = self.read()
            except psutil.NoSuchProcess:
                return
            self.peak, self.peak_tree = max(self.peak, rss), max(self.peak_tree, tree)
            self.samples += 1
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def write_random(path: Path, size: int) -> str:
    """`size` random bytes, written block by block; returns their SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        left = size
        while left > 0:
            block = os.urandom(min(BLOCK, left))
            digest.update(block)
            out.write(block)
            left -= len(block)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


SETTLE_SECONDS = 8.0


@dataclass
class Quiet:
    """The pause before each timed step (`--settle`)."""

    seconds: float = SETTLE_SECONDS


QUIET = Quiet()


def settle() -> None:
    time.sleep(QUIET.seconds)


def time_dd(source: Path, target: Path) -> float:
    settle()
    started = time.monotonic()
    subprocess.run(
        ["dd", f"if={source}", f"of={target}", "bs=8M", "conv=fdatasync", "status=none"],
        check=True,
    )
    seconds = time.monotonic() - started
    target.unlink()
    return seconds


def cpu_model() -> str:
    """`lscpu`'s model name, for the record beside the numbers."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def measured(
    server: ServerProcess, source: Path, digest: str, send: Callable[[], str]
) -> dict[str, Any]:
    """Run `send()` (returns the upload URL) under the RSS sampler; check and delete the upload."""
    settle()
    sampler = RssSampler(server.pid)
    rss_before, tree_before = sampler.read()
    with sampler:
        started = time.monotonic()
        url = send()
        seconds = time.monotonic() - started
    head = httpx.head(url, headers=TUS, timeout=30)
    head.raise_for_status()
    offset = int(head.headers["Upload-Offset"])
    stored = server.data_dir / "uploads" / url.rstrip("/").rsplit("/", 1)[-1]
    identical = offset == source.stat().st_size and sha256_of(stored) == digest
    httpx.delete(url, headers=TUS, timeout=30).raise_for_status()
    return {
        "seconds": seconds,
        "final_offset": offset,
        "identical": identical,
        "rss_before": rss_before,
        "rss_growth": max(sampler.peak, rss_before) - rss_before,
        "tree_rss_before": tree_before,
        "tree_rss_peak": max(sampler.peak_tree, tree_before),
        "samples": sampler.samples,
    }


def run_uploads(
    server: ServerProcess, source: Path, digest: str, chunk: int, parallel: int, tmp: Path
) -> tuple[dict[str, dict[str, Any]], float]:
    """The single-stream and the parallel upload, and dd's seconds measured between them."""
    service = ServiceClient(server.url, None, timeout=600)
    state = UploadState(tmp / "state.json", service.server)
    concat_seconds: list[float] = []

    def single() -> str:
        return upload_file(source, service, state, chunk_size=chunk).upload_url

    def parts() -> str:
        sent = send_parts(source, service, state, parallel=parallel, chunk_size=chunk)
        started = time.monotonic()
        url = concatenate(service, sent.urls, source.name)
        concat_seconds.append(time.monotonic() - started)
        return url

    try:
        print("single stream ...", file=sys.stderr, flush=True)
        results = {"single": measured(server, source, digest, single)}
        state.path.unlink(missing_ok=True)
        print("dd again ...", file=sys.stderr, flush=True)
        dd_between = time_dd(source, tmp / "dd.out")
        print(f"{parallel} parallel parts + concatenation ...", file=sys.stderr, flush=True)
        results["parallel"] = measured(server, source, digest, parts)
        results["parallel"]["concat_seconds"] = concat_seconds[0]
    finally:
        service.close()
    return results, dd_between


def summary(size: int, dd_mbps: float, run: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"mb_per_s": round(size / MB / run["seconds"], 1)}
    out["ratio_dd"] = round(out["mb_per_s"] / dd_mbps, 3)
    out |= {
        "seconds": round(run["seconds"], 3),
        "identical": run["identical"],
        "rss_growth_mb": round(run["rss_growth"] / MB, 1),
        "rss_before_mb": round(run["rss_before"] / MB, 1),
        "tree_rss_peak_mb": round(run["tree_rss_peak"] / MB, 1),
    }
    if "concat_seconds" in run:
        out["concat_seconds"] = round(run["concat_seconds"], 3)
    return out


def targets(results: dict[str, Any]) -> dict[str, bool]:
    checks = {}
    for kind in ("single", "parallel"):
        run = results[kind]
        checks[f"{kind}_ge_{TARGET_RATIO}x_dd"] = run["ratio_dd"] >= TARGET_RATIO
        checks[f"{kind}_rss_growth_le_{TARGET_RSS_GROWTH_MB:g}mb"] = (
            run["rss_growth_mb"] <= TARGET_RSS_GROWTH_MB
        )
        checks[f"{kind}_byte_identical"] = run["identical"]
    return checks


def report(results: dict[str, Any], out: Path) -> None:
    print(
        f"file: {results['size_bytes'] / MB:.0f} MB, tus chunk {results['chunk_bytes'] / MB:g} MB"
    )
    print(f"cpu: {results['cpu_model']}, load average {results['load_average'][0]:.1f}")
    print(
        f"dd conv=fdatasync: {results['dd']['mb_per_s']:8.1f} MB/s {results['dd']['runs_mb_per_s']}"
    )
    for kind in ("single", "parallel"):
        run = results[kind]
        extra = f", concatenation {run['concat_seconds']:.2f} s" if "concat_seconds" in run else ""
        print(
            f"{kind:>8}: {run['mb_per_s']:8.1f} MB/s = {run['ratio_dd']:.2f}x dd "
            f"({run['seconds']:.2f} s{extra}); server RSS +{run['rss_growth_mb']:.1f} MB; "
            f"identical {run['identical']}"
        )
    for name, ok in results["targets"].items():
        print(f"  {'PASS' if ok else 'FAIL'} {name}")
    print(f"results: {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gib", type=float, default=1.0, help="file size in GiB (default 1.0)")
    parser.add_argument("--chunk-mb", type=float, default=50.0, help="tus chunk size in MiB")
    parser.add_argument("--parallel", type=int, default=4, help="partial uploads at once")
    parser.add_argument(
        "--settle", type=float, default=SETTLE_SECONDS, help="seconds of quiet before each step"
    )
    args = parser.parse_args()
    QUIET.seconds = args.settle
    size, chunk = int(args.gib * GIB), int(args.chunk_mb * MB)
    tmp = Path(tempfile.mkdtemp(prefix="vt-bench-upload-"))
    server: ServerProcess | None = None
    try:
        source = tmp / "random.bin"
        print(f"writing {size / MB:.0f} MB of random bytes to {tmp} ...", file=sys.stderr)
        digest = write_random(source, size)
        print("dd ...", file=sys.stderr, flush=True)
        dd_seconds = [time_dd(source, tmp / "dd.out")]
        env = {"VT_SERVICE__MAX_UPLOAD_BYTES": str(size + GIB)}
        server = ServerProcess(tmp / "data", env).start()
        runs, between = run_uploads(server, source, digest, chunk, args.parallel, tmp)
        dd_seconds.append(between)
        print("dd once more ...", file=sys.stderr, flush=True)
        dd_seconds.append(time_dd(source, tmp / "dd.out"))
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    dd_mbps = size / MB / statistics.median(dd_seconds)
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "size_bytes": size,
        "chunk_bytes": chunk,
        "parallel": args.parallel,
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "load_average": os.getloadavg(),
        "dd": {
            "mb_per_s": round(dd_mbps, 1),
            "runs_mb_per_s": [round(size / MB / s, 1) for s in dd_seconds],
        },
    }
    for kind, run in runs.items():
        results[kind] = summary(size, dd_mbps, run)
    results["targets"] = targets(results)
    report(results, save_results("upload", results))


if __name__ == "__main__":
    main()
