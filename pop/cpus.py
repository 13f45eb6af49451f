"""How many CPUs this process may use, and running background work at a lower priority.

`os.cpu_count()` counts the machine's CPUs, not the ones this process may run on: in a container or a
systemd unit with `CPUQuota=` it said 15 on a server that had 2, and limits sized from it (PDF
conversions at once, the bulk export's workers) were then no limits at all. What the process may use is
the smaller of:

- its CPU affinity (`os.sched_getaffinity`: taskset, cpuset cgroups, `docker --cpuset-cpus`), and
- the CPU quota of its cgroup and every cgroup above it: cgroup v2's `cpu.max` ("max 100000" or
  "200000 100000": 2 CPUs), cgroup v1's `cpu.cfs_quota_us` / `cpu.cfs_period_us` (-1: none). A quota of
  1.5 CPUs counts as 2: both may run, together no faster than the quota.

Pages come first: work that no one waits for in a page (PDF conversions, a bulk export's renders) runs
niced (BACKGROUND_NICE) and leaves a CPU free for pages where there are two or more (`for_background`).
"""
from __future__ import annotations

import math
import os
from pathlib import Path

# Niceness of background work: the scheduler then gives a page's thread (nice 0) about ten times the
# CPU time of a niced process when both want it (the kernel's weights: 1024 against 110).
BACKGROUND_NICE = 10


def usable(proc: str | Path = "/proc/self") -> int:
    """The CPUs this process may use: affinity and cgroup quota, at least 1."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        count = os.cpu_count() or 1
    quota = cgroup_quota(proc)
    if quota is not None:
        count = min(count, math.ceil(quota))
    return max(1, count)


def for_background(proc: str | Path = "/proc/self") -> int:
    """How many processes background work may keep busy: all usable CPUs but one, at least 1."""
    return max(1, usable(proc) - 1)


def lower_priority() -> None:
    """Make the calling process (on Linux: thread) nicer, up to BACKGROUND_NICE; never less nice.
    Used as a worker's initializer and as preexec_fn of LibreOffice."""
    try:
        current = os.getpriority(os.PRIO_PROCESS, 0)
        if current < BACKGROUND_NICE:
            os.nice(BACKGROUND_NICE - current)
    except OSError:  # a system that refuses: the work still gets done, only not niced
        pass


def cgroup_quota(proc: str | Path = "/proc/self") -> float | None:
    """The tightest CPU quota (in CPUs) of this process's cgroup and its ancestors, None when none."""
    proc = Path(proc)
    try:
        memberships = (proc / "cgroup").read_text().splitlines()
        mounts = (proc / "mountinfo").read_text().splitlines()
    except OSError:
        return None
    quotas = []
    for version, mount_root, mount_point, path in _cpu_hierarchies(memberships, mounts):
        for folder in _folders(Path(mount_point), mount_root, path):
            quota = _quota_v2(folder) if version == 2 else _quota_v1(folder)
            if quota is not None:
                quotas.append(quota)
    return min(quotas) if quotas else None


def _cpu_hierarchies(memberships: list[str], mounts: list[str]):
    """(version, the mount's root within the hierarchy, mount point, this process's cgroup path) for
    the hierarchies that hold the CPU controller: the unified one (v2) and v1's "cpu"."""
    v2_path, v1_path = None, None
    for line in memberships:
        number, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if number == "0" and controllers == "":
            v2_path = path
        elif "cpu" in controllers.split(","):
            v1_path = path
    for line in mounts:
        # id parent major:minor root mount-point options [optional fields] - fstype source super-options
        fields = line.split()
        if "-" not in fields:
            continue
        dash = fields.index("-")
        if len(fields) < dash + 3 or dash < 5:
            continue
        root, mount_point = _unescape(fields[3]), _unescape(fields[4])
        fstype, super_options = fields[dash + 1], fields[dash + 3] if len(fields) > dash + 3 else ""
        if fstype == "cgroup2" and v2_path is not None:
            yield 2, root, mount_point, v2_path
        elif fstype == "cgroup" and v1_path is not None and "cpu" in super_options.split(","):
            yield 1, root, mount_point, v1_path


def _unescape(field: str) -> str:
    # mountinfo writes a space in a path as \040 (and a tab, newline and backslash likewise).
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def _folders(mount_point: Path, mount_root: str, path: str) -> list[Path]:
    """The process's cgroup folder and its ancestors up to the mount point. In a container the mount's
    root is the container's own cgroup (or, with a cgroup namespace, the path reads "/")."""
    relative = path
    if mount_root != "/" and (path == mount_root or path.startswith(mount_root.rstrip("/") + "/")):
        relative = path[len(mount_root):]
    parts = [p for p in relative.split("/") if p and p != ".."]
    folder = mount_point.joinpath(*parts)
    if not folder.is_dir():
        folder = mount_point  # the path is not visible from here: the mount's own limits still count
    out = [folder]
    while folder != mount_point and mount_point in folder.parents:
        folder = folder.parent
        out.append(folder)
    return out


def _quota_v2(folder: Path) -> float | None:
    try:
        quota, _, period = (folder / "cpu.max").read_text().strip().partition(" ")
        if quota == "max":
            return None
        return int(quota) / int(period or 100000)
    except (OSError, ValueError, ZeroDivisionError):
        return None


def _quota_v1(folder: Path) -> float | None:
    try:
        quota = int((folder / "cpu.cfs_quota_us").read_text().strip())
        period = int((folder / "cpu.cfs_period_us").read_text().strip())
    except (OSError, ValueError):
        return None
    if quota <= 0 or period <= 0:
        return None
    return quota / period
