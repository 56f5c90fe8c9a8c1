"""What the machine really offers: CPUs and memory as seen from inside containers and cgroups.

`os.cpu_count()` and `psutil.virtual_memory()` describe the host. In a container limited to
1.5 CPUs and 2 GB on a 64-CPU, 256 GB host, planning from those numbers would start dozens of
workers and get them throttled or OOM-killed. So the usable CPUs are the smallest of the logical
CPUs, the CPU affinity mask (`taskset`, `docker --cpuset-cpus`) and the cgroup CPU quota
(`docker --cpus`, Kubernetes limits), rounded down; memory is capped by the cgroup limit minus
what the cgroup already uses (less reclaimable page cache).

Both cgroup v2 (`cpu.max`, `memory.max`) and v1 (`cpu.cfs_quota_us`, `memory.limit_in_bytes`) are
read, walking from this process's cgroup up to the root, because a parent's limit binds too.
`read_system_facts(root)` reads `/proc` and `/sys/fs/cgroup` under `root`, which lets tests point
it at a fake tree; people never pass it.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import psutil

CGROUP_MOUNT = "sys/fs/cgroup"
UNLIMITED_V1 = 2**62
"""cgroup v1 reports "no limit" as a huge page-aligned number (9223372036854771712)."""


@dataclass(frozen=True, slots=True)
class SystemFacts:
    """CPUs and memory this process can actually use, and where each number came from."""

    logical_cpus: int
    usable_cpus: int
    """min(logical, affinity, floor(cgroup quota)), at least 1."""
    total_memory_bytes: int
    """Host RAM, or the cgroup memory limit if smaller."""
    available_memory_bytes: int
    """Memory free for new work: host available, or cgroup limit minus usage if smaller."""
    cgroup_cpu_quota: float | None = None
    """CPUs the cgroup quota allows (e.g. 1.5), None when unlimited."""
    cgroup_memory_limit: int | None = None
    """Bytes the cgroup may use, None when unlimited."""
    notes: list[str] = field(default_factory=list)
    """Where each number came from, for `video-transcriber tune` and the logs."""


def read_system_facts(root: Path = Path("/")) -> SystemFacts:
    """Read CPU and memory facts for this process (cgroup-aware)."""
    notes: list[str] = []
    logical = os.cpu_count() or 1
    affinity = _affinity_cpus()
    notes.append(f"{logical} logical CPUs; affinity allows {affinity}.")
    quota = cgroup_cpu_quota(root, notes)
    usable = min(logical, affinity)
    if quota is not None:
        usable = min(usable, max(1, math.floor(quota)))
    usable = max(1, usable)

    host_total, host_available = _host_memory()
    total, available = host_total, host_available
    limit, headroom = cgroup_memory(root, notes)
    if limit is not None:
        total = min(total, limit)
    if headroom is not None:
        available = max(0, min(available, headroom))
    notes.append(
        f"Memory: {_gb(total)} total, {_gb(available)} available "
        f"(host {_gb(host_total)} / {_gb(host_available)})."
    )
    return SystemFacts(
        logical_cpus=logical,
        usable_cpus=usable,
        total_memory_bytes=total,
        available_memory_bytes=available,
        cgroup_cpu_quota=quota,
        cgroup_memory_limit=limit,
        notes=notes,
    )


def _affinity_cpus() -> int:
    """CPUs this process may be scheduled on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def _host_memory() -> tuple[int, int]:
    memory = psutil.virtual_memory()
    return int(memory.total), int(memory.available)


def _gb(value: int) -> str:
    return f"{value / 1024**3:.1f} GB"


# --- cgroup discovery -------------------------------------------------------------------------


def _own_cgroups(root: Path) -> dict[str, PurePosixPath]:
    """Controller → this process's cgroup path, from /proc/self/cgroup ("" is the v2 entry)."""
    try:
        text = (root / "proc/self/cgroup").read_text()
    except OSError:
        return {}
    paths: dict[str, PurePosixPath] = {}
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        for controller in parts[1].split(",") if parts[1] else [""]:
            paths[controller] = PurePosixPath(parts[2] or "/")
    return paths


def _is_v2(root: Path) -> bool:
    return (root / CGROUP_MOUNT / "cgroup.controllers").is_file()


def _candidate_dirs(mount: Path, cgroup: PurePosixPath | None) -> list[Path]:
    """This process's cgroup directory and its ancestors up to the mount, innermost first.

    Inside a container the path in /proc/self/cgroup is often the host's and does not exist
    under the container's mount; then only the mount itself (the namespace root) is checked.
    """
    dirs: list[Path] = []
    if cgroup is not None:
        relative = PurePosixPath(*cgroup.parts[1:]) if cgroup.is_absolute() else cgroup
        while relative.parts:
            candidate = mount / relative
            if candidate.is_dir():
                dirs.append(candidate)
            relative = relative.parent
    dirs.append(mount)
    return dirs


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _read_int(path: Path) -> int | None:
    text = _read(path)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _v1_mount(root: Path, controller: str) -> Path | None:
    base = root / CGROUP_MOUNT
    for name in (controller, f"{controller},cpuacct", f"cpuacct,{controller}"):
        if (base / name).is_dir():
            return base / name
    return None


def cgroup_cpu_quota(root: Path, notes: list[str] | None = None) -> float | None:
    """CPUs the tightest cgroup quota on this process allows, or None if unlimited."""
    notes = notes if notes is not None else []
    own = _own_cgroups(root)
    quotas: list[tuple[float, str]] = []
    if _is_v2(root):
        for directory in _candidate_dirs(root / CGROUP_MOUNT, own.get("")):
            fields = (_read(directory / "cpu.max") or "max").split()
            if fields and fields[0] != "max":
                period = int(fields[1]) if len(fields) > 1 else 100_000
                quotas.append((int(fields[0]) / period, f"cgroup v2 {directory}/cpu.max"))
    else:
        mount = _v1_mount(root, "cpu")
        if mount is not None:
            for directory in _candidate_dirs(mount, own.get("cpu")):
                quota_us = _read_int(directory / "cpu.cfs_quota_us")
                period_us = _read_int(directory / "cpu.cfs_period_us")
                if quota_us is not None and quota_us > 0 and period_us:
                    source = f"cgroup v1 {directory}/cpu.cfs_quota_us"
                    quotas.append((quota_us / period_us, source))
    if not quotas:
        notes.append("No cgroup CPU quota.")
        return None
    value, source = min(quotas)
    notes.append(f"CPU quota {value:g} CPUs from {source}.")
    return value


def cgroup_memory(root: Path, notes: list[str] | None = None) -> tuple[int | None, int | None]:
    """(tightest limit, least headroom) over this process's cgroup and its ancestors, or Nones.

    Headroom is a limit minus what its cgroup uses (less reclaimable page cache); a parent
    shared with busy siblings can leave less room than the child's own, larger, limit.
    """
    notes = notes if notes is not None else []
    own = _own_cgroups(root)
    if _is_v2(root):
        mount: Path | None = root / CGROUP_MOUNT
        names = ("memory.max", "memory.current", "inactive_file")
        cgroup = own.get("")
    else:
        mount = _v1_mount(root, "memory")
        names = ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file")
        cgroup = own.get("memory")
    if mount is None:
        notes.append("No cgroup memory controller found.")
        return None, None
    best: tuple[int, Path] | None = None
    headroom: int | None = None
    for directory in _candidate_dirs(mount, cgroup):
        limit = _read_int(directory / names[0])  # "max" reads as None
        if limit is None or limit >= UNLIMITED_V1:
            continue
        if best is None or limit < best[0]:
            best = (limit, directory)
        room = limit - (_usage(directory, names[1], names[2]) or 0)
        headroom = room if headroom is None else min(headroom, room)
    if best is None:
        notes.append("No cgroup memory limit.")
        return None, None
    notes.append(f"Memory limit {_gb(best[0])} from {best[1]}/{names[0]}.")
    return best[0], headroom


def _usage(directory: Path, usage_file: str, inactive_key: str) -> int | None:
    """Cgroup memory in use, less inactive file cache the kernel would reclaim under pressure."""
    used = _read_int(directory / usage_file)
    if used is None:
        return None
    for line in (_read(directory / "memory.stat") or "").splitlines():
        key, _, value = line.partition(" ")
        if key == inactive_key and value.strip().isdigit():
            return max(0, used - int(value))
    return used
