"""Which machine a measurement belongs to: CPU model, cores, memory and the versions that run.

A calibration is only worth reusing on the machine, and the software, it was measured with: a
new CPU, a different CPU quota, more memory or a new CTranslate2 changes the figures. The
fingerprint's `key` is a short hash of exactly those facts; calibrations and chunk timings are
stored under it, and a changed machine simply finds none (the planner then says so and uses
its formula). Reading it touches `/proc/cpuinfo` and package metadata only, never the model.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from video_transcriber.tuning.facts import SystemFacts, read_system_facts

VERSIONED_PACKAGES = ("video-transcriber", "ctranslate2", "faster-whisper", "onnxruntime")
"""Packages whose version is part of the fingerprint: they decide how fast a chunk decodes."""
GIB = 1024**3


@dataclass(frozen=True, slots=True)
class MachineFingerprint:
    """The facts a calibration depends on, and their key."""

    cpu_model: str
    logical_cpus: int
    usable_cpus: int
    memory_gib: int
    """Total memory (cgroup-aware), whole GiB, so a few MB of drift do not change the key."""
    python: str
    versions: dict[str, str]

    @property
    def key(self) -> str:
        """16 hex digits identifying these facts."""
        text = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "key": self.key}

    def summary(self) -> str:
        """`Intel(R) Xeon(R) ..., 2 of 2 CPUs, 24 GiB`."""
        return (
            f"{self.cpu_model}, {self.usable_cpus} of {self.logical_cpus} CPUs, "
            f"{self.memory_gib} GiB"
        )


def cpu_model(root: Path = Path("/")) -> str:
    """The CPU's model name from /proc/cpuinfo (what `lscpu` shows), else the platform's."""
    try:
        text = (root / "proc/cpuinfo").read_text(errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model", "cpu model") and value.strip():
            return value.strip()
    return platform.processor() or platform.machine() or "unknown CPU"


def package_versions() -> dict[str, str]:
    found: dict[str, str] = {}
    for name in VERSIONED_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def read_fingerprint(facts: SystemFacts | None = None) -> MachineFingerprint:
    """This machine's fingerprint (facts read now unless given)."""
    facts = facts or read_system_facts()
    return MachineFingerprint(
        cpu_model=cpu_model(),
        logical_cpus=facts.logical_cpus,
        usable_cpus=facts.usable_cpus,
        memory_gib=round(facts.total_memory_bytes / GIB),
        python=platform.python_version(),
        versions=package_versions(),
    )
