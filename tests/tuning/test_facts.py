"""read_system_facts against fake cgroup v1/v2 trees, and once against this machine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from video_transcriber.tuning import facts
from video_transcriber.tuning.facts import read_system_facts

GB = 1024**3
HOST_TOTAL, HOST_AVAILABLE = 64 * GB, 60 * GB


@pytest.fixture(autouse=True)
def fake_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 16-CPU, 64 GB host, whatever machine the tests run on."""
    monkeypatch.setattr(facts.os, "cpu_count", lambda: 16)
    monkeypatch.setattr(facts, "_affinity_cpus", lambda: 16)
    monkeypatch.setattr(facts, "_host_memory", lambda: (HOST_TOTAL, HOST_AVAILABLE))


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def v2_tree(root: Path, *, cgroup: str = "/", directory: str = "") -> Path:
    write(root, "proc/self/cgroup", f"0::{cgroup}\n")
    write(root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n")
    return root / "sys/fs/cgroup" / directory


def test_no_cgroup_files_means_the_host(tmp_path: Path) -> None:
    found = read_system_facts(tmp_path)
    assert found.logical_cpus == found.usable_cpus == 16
    assert found.total_memory_bytes == HOST_TOTAL
    assert found.available_memory_bytes == HOST_AVAILABLE
    assert found.cgroup_cpu_quota is None and found.cgroup_memory_limit is None
    assert found.notes


def test_cgroup_v2_quota_and_memory_limit(tmp_path: Path) -> None:
    group = v2_tree(tmp_path)
    write(group, "cpu.max", "150000 100000\n")
    write(group, "memory.max", f"{2 * GB}\n")
    write(group, "memory.current", f"{GB}\n")
    write(group, "memory.stat", f"anon 100\ninactive_file {GB // 2}\nactive_file 5\n")
    found = read_system_facts(tmp_path)
    assert found.cgroup_cpu_quota == pytest.approx(1.5)
    assert found.usable_cpus == 1  # 1.5 CPUs round down: two threads would be throttled
    assert found.cgroup_memory_limit == 2 * GB
    assert found.total_memory_bytes == 2 * GB
    assert found.available_memory_bytes == 2 * GB - GB // 2  # page cache is reclaimable
    assert any("cpu.max" in note for note in found.notes)


def test_cgroup_v2_unlimited(tmp_path: Path) -> None:
    group = v2_tree(tmp_path)
    write(group, "cpu.max", "max 100000\n")
    write(group, "memory.max", "max\n")
    found = read_system_facts(tmp_path)
    assert found.cgroup_cpu_quota is None and found.cgroup_memory_limit is None
    assert found.usable_cpus == 16


def test_cgroup_v2_nested_takes_the_tightest_ancestor(tmp_path: Path) -> None:
    leaf = v2_tree(tmp_path, cgroup="/kubepods/pod1/box", directory="kubepods/pod1/box")
    write(leaf, "cpu.max", "800000 100000\n")  # 8 CPUs on the container ...
    write(leaf.parent, "cpu.max", "400000 100000\n")  # ... but 4 on the pod
    write(leaf, "memory.max", f"{8 * GB}\n")
    write(leaf, "memory.current", f"{GB}\n")
    write(leaf.parent, "memory.max", f"{4 * GB}\n")
    write(leaf.parent, "memory.current", f"{3 * GB}\n")
    found = read_system_facts(tmp_path)
    assert found.cgroup_cpu_quota == 4
    assert found.usable_cpus == 4
    assert found.cgroup_memory_limit == 4 * GB
    assert found.available_memory_bytes == GB


def test_cgroup_v2_busy_parent_limits_headroom(tmp_path: Path) -> None:
    leaf = v2_tree(tmp_path, cgroup="/pod/box", directory="pod/box")
    write(leaf, "memory.max", f"{3 * GB}\n")
    write(leaf, "memory.current", f"{GB // 2}\n")
    write(leaf.parent, "memory.max", f"{4 * GB}\n")
    write(leaf.parent, "memory.current", f"{3 * GB}\n")  # siblings use most of the pod
    found = read_system_facts(tmp_path)
    assert found.cgroup_memory_limit == 3 * GB
    assert found.available_memory_bytes == GB


def test_cgroup_v2_host_path_missing_in_namespace_falls_back_to_mount(tmp_path: Path) -> None:
    root = v2_tree(tmp_path, cgroup="/system.slice/docker-abc.scope")
    write(root, "cpu.max", "200000 100000\n")
    assert read_system_facts(tmp_path).usable_cpus == 2


def test_cgroup_v1_quota_and_memory(tmp_path: Path) -> None:
    write(
        tmp_path,
        "proc/self/cgroup",
        "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n",
    )
    cpu = "sys/fs/cgroup/cpu,cpuacct/docker/abc"
    write(tmp_path, f"{cpu}/cpu.cfs_quota_us", "250000\n")
    write(tmp_path, f"{cpu}/cpu.cfs_period_us", "100000\n")
    memory = "sys/fs/cgroup/memory/docker/abc"
    write(tmp_path, f"{memory}/memory.limit_in_bytes", f"{3 * GB}\n")
    write(tmp_path, f"{memory}/memory.usage_in_bytes", f"{2 * GB}\n")
    write(tmp_path, f"{memory}/memory.stat", f"cache 10\ntotal_inactive_file {GB}\n")
    found = read_system_facts(tmp_path)
    assert found.cgroup_cpu_quota == pytest.approx(2.5)
    assert found.usable_cpus == 2
    assert found.cgroup_memory_limit == 3 * GB
    assert found.total_memory_bytes == 3 * GB
    assert found.available_memory_bytes == 2 * GB


def test_cgroup_v1_unlimited_values(tmp_path: Path) -> None:
    write(tmp_path, "proc/self/cgroup", "4:memory:/\n3:cpu:/\n")
    write(tmp_path, "sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n")
    write(tmp_path, "sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n")
    write(tmp_path, "sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n")
    found = read_system_facts(tmp_path)
    assert found.cgroup_cpu_quota is None and found.cgroup_memory_limit is None
    assert found.total_memory_bytes == HOST_TOTAL


def test_affinity_limits_usable_cpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts, "_affinity_cpus", lambda: 3)
    found = read_system_facts(tmp_path)
    assert (found.logical_cpus, found.usable_cpus) == (16, 3)


def test_available_memory_never_exceeds_host_available(tmp_path: Path) -> None:
    group = v2_tree(tmp_path)
    write(group, "memory.max", f"{200 * GB}\n")
    write(group, "memory.current", "0\n")
    found = read_system_facts(tmp_path)
    assert found.available_memory_bytes == HOST_AVAILABLE
    assert found.total_memory_bytes == HOST_TOTAL


def test_garbage_files_are_ignored(tmp_path: Path) -> None:
    group = v2_tree(tmp_path)
    write(group, "memory.max", "lots\n")
    write(group, "cpu.max", "\n")
    found = read_system_facts(tmp_path)
    assert found.cgroup_memory_limit is None and found.cgroup_cpu_quota is None


def test_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real host, not the fake one
    found = read_system_facts()
    assert 1 <= found.usable_cpus <= found.logical_cpus == (os.cpu_count() or 1)
    assert found.usable_cpus <= len(os.sched_getaffinity(0))
    assert 0 < found.available_memory_bytes <= found.total_memory_bytes
    if found.cgroup_memory_limit is not None:
        assert found.total_memory_bytes <= found.cgroup_memory_limit
