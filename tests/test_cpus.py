"""The CPUs this process may use (affinity and cgroup quota, not os.cpu_count()), and LibreOffice run
niced: cgroup files are faked in a folder of the test's own, the affinity is monkeypatched."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from exports.pdf import convert as pdf
from pop import cpus


def fake_proc(tmp_path: Path, cgroup: str, mounts: list[tuple[str, str, str, str]]) -> Path:
    """A /proc/self of the test's own: its cgroup file, and a mountinfo with the given mounts
    (root within the hierarchy, mount point, fstype, super options)."""
    proc = tmp_path / "proc"
    proc.mkdir(exist_ok=True)
    (proc / "cgroup").write_text(cgroup)
    lines = [f"{30 + i} 1 0:{26 + i} {root} {point.replace(' ', chr(92) + '040')} rw,nosuid - {fstype} "
             f"cgroup {options}" for i, (root, point, fstype, options) in enumerate(mounts)]
    (proc / "mountinfo").write_text("\n".join(["22 1 8:1 / / rw,relatime - ext4 /dev/vda rw"] + lines)
                                    + "\n")
    return proc


def write(folder: Path, **files: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(text + "\n")


@pytest.fixture
def affinity(monkeypatch):
    """Pretend the process may run on `n` CPUs, on a machine os.cpu_count() calls much larger."""
    monkeypatch.setattr(os, "cpu_count", lambda: 15)

    def set_(n: int):
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(n)))
    return set_


def v2(tmp_path, path="/system.slice/pop.service"):
    mount = tmp_path / "sys fs cgroup"  # a space, as mountinfo escapes it
    return mount, fake_proc(tmp_path, f"0::{path}\n", [("/", str(mount), "cgroup2", "rw")])


def test_cgroup_v2_quota_of_the_service_rounded_up(tmp_path, affinity):
    affinity(8)
    mount, proc = v2(tmp_path)
    write(mount, cpu__max="max 100000")
    write(mount / "system.slice", cpu__max="max 100000")
    write(mount / "system.slice" / "pop.service", cpu__max="150000 100000")
    assert cpus.cgroup_quota(proc) == 1.5
    assert cpus.usable(proc) == 2  # 1.5 CPUs: two may run, together no faster than the quota
    assert cpus.for_background(proc) == 1


def test_cgroup_v2_a_tighter_parent_counts(tmp_path, affinity):
    affinity(8)
    mount, proc = v2(tmp_path)
    write(mount / "system.slice", cpu__max="100000 100000")
    write(mount / "system.slice" / "pop.service", cpu__max="400000 100000")
    assert cpus.usable(proc) == 1
    assert cpus.for_background(proc) == 1  # at least one, even with a single CPU


def test_without_a_quota_the_affinity_counts_not_cpu_count(tmp_path, affinity):
    affinity(3)
    mount, proc = v2(tmp_path)
    write(mount / "system.slice" / "pop.service", cpu__max="max 100000")
    assert cpus.cgroup_quota(proc) is None
    assert cpus.usable(proc) == 3
    assert cpus.for_background(proc) == 2


def test_the_affinity_counts_when_it_is_smaller_than_the_quota(tmp_path, affinity):
    affinity(2)
    mount, proc = v2(tmp_path)
    write(mount / "system.slice" / "pop.service", cpu__max="800000 100000")
    assert cpus.usable(proc) == 2


def test_cgroup_v1_cfs_quota_inside_a_container(tmp_path, affinity):
    """Docker with cgroup v1: the container sees its own cgroup mounted as the hierarchy's root."""
    affinity(15)
    mount = tmp_path / "cpu"
    proc = fake_proc(tmp_path, "5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n",
                     [("/docker/abc", str(mount), "cgroup", "rw,cpu,cpuacct"),
                      ("/docker/abc", str(tmp_path / "memory"), "cgroup", "rw,memory")])
    write(mount, cpu__cfs_quota_us="300000", cpu__cfs_period_us="100000")
    assert cpus.usable(proc) == 3
    write(mount, cpu__cfs_quota_us="-1", cpu__cfs_period_us="100000")
    assert cpus.cgroup_quota(proc) is None
    assert cpus.usable(proc) == 15


def test_unreadable_cgroup_files_leave_the_affinity(tmp_path, affinity):
    affinity(4)
    assert cpus.usable(tmp_path / "no-such-proc") == 4
    mount, proc = v2(tmp_path)
    write(mount / "system.slice" / "pop.service", cpu__max="garbage")
    assert cpus.usable(proc) == 4


def test_this_machine_answers_within_its_affinity():
    assert 1 <= cpus.usable() <= len(os.sched_getaffinity(0))


def test_the_pdf_limit_comes_from_the_usable_cpus_not_cpu_count(monkeypatch, affinity):
    monkeypatch.delenv("POP_PDF_MAX_PARALLEL", raising=False)
    monkeypatch.setattr(cpus, "cgroup_quota", lambda proc="/proc/self": None)
    affinity(2)
    assert pdf.settings().max_parallel == 1  # one of two CPUs left for pages
    affinity(4)
    assert pdf.settings().max_parallel == 3


# ---------------------------------------------------------------- LibreOffice at a lower priority


RECORDS_PRIORITY = """#!{python}
import json, os, sys
from pathlib import Path
Path({record!r}).write_text(json.dumps({{"nice": os.getpriority(os.PRIO_PROCESS, 0),
                                        "pid": os.getpid(), "pgid": os.getpgid(0)}}))
if "--outdir" in sys.argv:
    args = sys.argv[1:]
    outdir, source = Path(args[args.index("--outdir") + 1]), Path(args[-1])
    (outdir / (source.stem + ".pdf")).write_bytes(b"%PDF-1.4 nep\\n")
else:  # the warm helper: ready, then stay until stopped
    print(json.dumps({{"ready": True}}), flush=True)
    sys.stdin.read()
"""


def recording_script(tmp_path: Path, record: Path) -> str:
    path = tmp_path / "records-priority"
    path.write_text(RECORDS_PRIORITY.format(python=sys.executable, record=str(record)))
    path.chmod(0o755)
    return str(path)


def test_soffice_runs_niced_in_a_process_group_of_its_own(tmp_path, monkeypatch):
    record = tmp_path / "record.json"
    monkeypatch.setenv("POP_PDF_SOFFICE", recording_script(tmp_path, record))
    monkeypatch.setenv("POP_PDF_WARM", "0")
    monkeypatch.setenv("POP_PDF_SLOT_DIR", str(tmp_path / "slots"))
    assert pdf.to_pdf(b"not a zip, not ours to judge") == b"%PDF-1.4 nep\n"
    seen = json.loads(record.read_text())
    assert seen["nice"] >= cpus.BACKGROUND_NICE > os.getpriority(os.PRIO_PROCESS, 0)
    assert seen["pgid"] == seen["pid"]  # nice execs soffice: the group killed after a run is its own


def test_the_warm_libreoffice_runs_niced(tmp_path):
    record = tmp_path / "record.json"
    helper = pdf._Warm(recording_script(tmp_path, record), "soffice")
    try:
        helper.start()
        assert helper.usable(pdf.time.monotonic() + 10)
        seen = json.loads(record.read_text())
        assert seen["nice"] >= cpus.BACKGROUND_NICE
        assert seen["pid"] == helper.proc.pid == seen["pgid"]
    finally:
        helper.stop()


def test_lower_priority_never_makes_a_process_less_nice():
    import subprocess

    code = ("import os; from pop import cpus; os.nice(15); cpus.lower_priority(); "
            "print(os.getpriority(os.PRIO_PROCESS, 0))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "15"
    code = "from pop import cpus; cpus.lower_priority(); import os; print(os.getpriority(os.PRIO_PROCESS, 0))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == str(cpus.BACKGROUND_NICE)
