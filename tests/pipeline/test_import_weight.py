"""What a transcription process loads: libraries only some runs use stay out until they are used.

scipy's `cluster.hierarchy` (speakers' clustering) brings ~40 MB and SQLAlchemy with Alembic
(the job store, read by the CLI for this machine's calibration) ~29 MB into every process that
holds them; the CLI's pipeline process is part of the peak memory of every transcription
(docs/PERFORMANCE.md, "Memory").
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("scipy.cluster", "scipy.spatial", "sqlalchemy", "alembic")


def _loaded_after(code: str, env_data_dir: Path) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"VT_SERVICE__DATA_DIR": str(env_data_dir), "HF_HUB_OFFLINE": "1", "PATH": ""},
    )
    modules: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return [name for name in HEAVY if name in modules]


def test_the_pipeline_and_the_cli_lookup_leave_the_heavy_libraries_out(tmp_path: Path) -> None:
    code = (
        "import video_transcriber.cli, video_transcriber.pipeline.transcription\n"
        "from video_transcriber.calibration.command import stored_measurements\n"
        "from video_transcriber.config import Settings\n"
        "assert stored_measurements(Settings()) is None  # no job store yet in this data dir"
    )
    assert _loaded_after(code, tmp_path) == []


def test_clustering_loads_scipy_when_it_clusters(tmp_path: Path) -> None:
    code = (
        "import numpy as np\n"
        "from video_transcriber.speakers.clustering import ClusterOptions, cluster\n"
        "rng = np.random.default_rng(0)\n"
        "cluster(rng.normal(size=(12, 8)), ClusterOptions())"
    )
    assert _loaded_after(code, tmp_path) == ["scipy.cluster", "scipy.spatial"]
