"""Decoding streams: peak memory stays far below the size of the whole decoded audio."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from testkit.evaluation.lecture import make_media_fixture
from video_transcriber.domain import SAMPLE_RATE

MINUTES = 25
WHOLE_FLOAT32_MB = MINUTES * 60 * SAMPLE_RATE * 4 / 2**20  # about 92 MB
LIMIT_MB = 24.0

_MEASURE = """
import sys
from pathlib import Path
import numpy as np
from video_transcriber.media.decode import decode_to_pcm, iter_audio

def peak_mb():
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024

mode, source, warm, dest = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
for _ in iter_audio(warm):  # load codecs and warm numpy before the baseline
    pass
Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
before = peak_mb()
if mode == "pcm":
    seconds = decode_to_pcm(source, dest).duration
elif mode == "blocks":
    seconds = sum(len(block) for block in iter_audio(source, block_seconds=30.0)) / 16000
else:  # the control: what holding everything would cost
    seconds = len(np.concatenate(list(iter_audio(source)))) / 16000
print(peak_mb() - before, seconds)
"""


@pytest.fixture(scope="module")
def long_audio(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("long")
    source = make_media_fixture(directory / "long.m4a", "m4a", seconds=MINUTES * 60)
    warm = make_media_fixture(directory / "warm.m4a", "m4a", seconds=3)
    return source, warm


def _peak_growth_mb(mode: str, long_audio: tuple[Path, Path], tmp_path: Path) -> float:
    source, warm = long_audio
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, mode, str(source), str(warm), str(tmp_path / "a.pcm")],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    growth_mb, seconds = map(float, result.stdout.split())
    assert seconds == pytest.approx(MINUTES * 60, abs=0.5)
    print(f"{mode}: peak RSS growth {growth_mb:.1f} MB for {WHOLE_FLOAT32_MB:.0f} MB of audio")
    return growth_mb


@pytest.mark.slow
def test_the_measurement_sees_a_whole_decode(long_audio: tuple[Path, Path], tmp_path: Path) -> None:
    assert _peak_growth_mb("slurp", long_audio, tmp_path) > 0.8 * WHOLE_FLOAT32_MB


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["pcm", "blocks"])
def test_peak_memory_is_bounded(mode: str, long_audio: tuple[Path, Path], tmp_path: Path) -> None:
    growth_mb = _peak_growth_mb(mode, long_audio, tmp_path)
    assert growth_mb < LIMIT_MB, f"peak RSS grew {growth_mb:.1f} MB ({WHOLE_FLOAT32_MB:.0f} whole)"
