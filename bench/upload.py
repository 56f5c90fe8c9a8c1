"""Upload benchmark: tus upload throughput and server memory against a plain disk write.

In one run, on the same disk and the same file of random bytes (built in a temporary directory,
streamed, never held in memory), it times:

* dd — `dd if=<file> of=<tmp>/dd.out bs=8M conv=fsync`, the disk's sequential write speed;
* tus — the real `tuspy` client uploading the file in `--chunk-mb` chunks to a real
  `video-transcriber serve` subprocess on a loopback port, with its data directory on the same
  disk, while the server's RSS is sampled every 0.1 s with psutil.

Targets: tus throughput at least 0.8x dd's, and the server's RSS grows by at most 100 MB during
the upload (the body is streamed to disk, not buffered). The bytes are not media, so no job is
created; the server's final `Upload-Offset` (HEAD) must equal the file size.

    .venv/bin/python bench/upload.py [--gib 1.0] [--chunk-mb 50]

Results go to bench/out/upload-<time>.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from tusclient.client import TusClient

from harness import save_results, tree_rss
from video_transcriber.service_processes import ServerProcess

MB = 1024**2
GIB = 1024**3
BLOCK = 8 * MB
SAMPLE_SECONDS = 0.1
TARGET_RATIO = 0.8
TARGET_RSS_GROWTH_MB = 100.0


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


def write_random(path: Path, size: int) -> None:
    """`size` random bytes, written block by block."""
    with path.open("wb") as out:
        left = size
        while left > 0:
            block = os.urandom(min(BLOCK, left))
            out.write(block)
            left -= len(block)
        out.flush()
        os.fsync(out.fileno())


def time_dd(source: Path, target: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        ["dd", f"if={source}", f"of={target}", "bs=8M", "conv=fsync", "status=none"], check=True
    )
    seconds = time.monotonic() - started
    target.unlink()
    return seconds


def upload(server: ServerProcess, source: Path, chunk: int) -> dict[str, Any]:
    size = source.stat().st_size
    sampler = RssSampler(server.pid)
    rss_before, tree_before = sampler.read()
    uploader = TusClient(f"{server.url}/files/").uploader(
        file_path=str(source), chunk_size=chunk, metadata={"filename": source.name}
    )
    with sampler:
        started = time.monotonic()
        uploader.upload()
        seconds = time.monotonic() - started
    head = httpx.head(str(uploader.url), headers={"Tus-Resumable": "1.0.0"}, timeout=30)
    head.raise_for_status()
    offset = int(head.headers["Upload-Offset"])
    if offset != size:
        raise RuntimeError(f"server has {offset} bytes of {size}")
    return {
        "seconds": seconds,
        "final_offset": offset,
        "rss_before": rss_before,
        "rss_peak": max(sampler.peak, rss_before),
        "tree_rss_before": tree_before,
        "tree_rss_peak": max(sampler.peak_tree, tree_before),
        "samples": sampler.samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gib", type=float, default=1.0, help="file size in GiB (default 1.0)")
    parser.add_argument("--chunk-mb", type=float, default=50.0, help="tus chunk size in MiB")
    args = parser.parse_args()
    size = int(args.gib * GIB)
    chunk = int(args.chunk_mb * MB)
    tmp = Path(tempfile.mkdtemp(prefix="vt-bench-upload-"))
    server: ServerProcess | None = None
    try:
        source = tmp / "random.bin"
        print(f"writing {size / MB:.0f} MB of random bytes to {tmp} ...", file=sys.stderr)
        write_random(source, size)
        print("dd ...", file=sys.stderr, flush=True)
        dd_seconds = time_dd(source, tmp / "dd.out")
        env = {"VT_SERVICE__MAX_UPLOAD_BYTES": str(size + GIB)}
        server = ServerProcess(tmp / "data", env).start()
        print(f"tus upload to {server.url} ...", file=sys.stderr, flush=True)
        tus = upload(server, source, chunk)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    dd_mbps = size / MB / dd_seconds
    tus_mbps = size / MB / tus["seconds"]
    growth_mb = (tus["rss_peak"] - tus["rss_before"]) / MB
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "size_bytes": size,
        "chunk_bytes": chunk,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "dd": {"seconds": round(dd_seconds, 3), "mb_per_s": round(dd_mbps, 1)},
        "tus": {
            "seconds": round(tus["seconds"], 3),
            "mb_per_s": round(tus_mbps, 1),
            "final_offset": tus["final_offset"],
            "rss_samples": tus["samples"],
        },
        "ratio_tus_dd": round(tus_mbps / dd_mbps, 3),
        "server_rss_mb": {
            "before": round(tus["rss_before"] / MB, 1),
            "peak": round(tus["rss_peak"] / MB, 1),
            "growth": round(growth_mb, 1),
            "tree_before": round(tus["tree_rss_before"] / MB, 1),
            "tree_peak": round(tus["tree_rss_peak"] / MB, 1),
        },
        "targets": {
            f"tus_ge_{TARGET_RATIO}x_dd": tus_mbps >= TARGET_RATIO * dd_mbps,
            f"rss_growth_le_{TARGET_RSS_GROWTH_MB:g}mb": growth_mb <= TARGET_RSS_GROWTH_MB,
        },
    }
    out = save_results("upload", results)
    rss = results["server_rss_mb"]
    print(f"file: {size / MB:.0f} MB, tus chunk {chunk / MB:g} MB")
    print(f"dd:  {dd_mbps:8.1f} MB/s ({dd_seconds:.2f} s)")
    print(f"tus: {tus_mbps:8.1f} MB/s ({tus['seconds']:.2f} s)")
    print(f"ratio tus/dd: {results['ratio_tus_dd']:.2f} (target >= {TARGET_RATIO})")
    print(
        f"server RSS: before {rss['before']:.0f} MB, peak {rss['peak']:.0f} MB, growth "
        f"{rss['growth']:.1f} MB (target <= {TARGET_RSS_GROWTH_MB:g}); process tree "
        f"{rss['tree_before']:.0f} -> {rss['tree_peak']:.0f} MB"
    )
    for name, ok in results["targets"].items():
        print(f"  {'PASS' if ok else 'FAIL'} {name}")
    print(f"results: {out}")


if __name__ == "__main__":
    main()
