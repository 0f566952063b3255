"""The whole workflow in scratch copies of the repository: offline, across folders, and after
interruption. The reference build is shared by the tests of this module."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.workflow

ROOT = Path(__file__).resolve().parents[2]
COMPARED = {".parquet", ".csv", ".tex", ".png", ".pdf"}
SKIPPED_FOLDERS = {"logs", "benchmarks", "build"}
KEY_OUTPUTS = ["results/models/hypotheses.csv", "results/paper/numbers.tex",
               "results/data/votes.parquet", "results/data/features.parquet",
               "results/analysis/panel.parquet"]


def scratch_copy(dest: Path) -> Path:
    """The tracked files only, as `make archive` packs them."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return dest


def snakemake_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", "--cores", "2", *args]


def environment(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root / "src"), "OPENBLAS_NUM_THREADS": "1"}


def run(root: Path, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, *snakemake_command(*args)], cwd=root, env=environment(root),
                          capture_output=True, text=True)


def digests(root: Path) -> dict[str, str]:
    found = {}
    for path in sorted((root / "results").rglob("*")):
        relative = path.relative_to(root)
        if (path.is_file() and path.suffix in COMPARED
                and not SKIPPED_FOLDERS & set(relative.parts)):
            found[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def reference_build(tmp_path_factory) -> Path:
    root = scratch_copy(tmp_path_factory.mktemp("reference"))
    result = run(root)
    assert result.returncode == 0, result.stderr[-3000:]
    return root


def network_namespace() -> tuple[str, ...]:
    """`unshare -n`: a network namespace with no interface but a down loopback."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.fail("unshare (util-linux) is not installed, so the offline run cannot be checked")
    probe = subprocess.run([unshare, "-n", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.fail(f"unshare -n cannot create a network namespace: {probe.stderr.strip()}")
    return (unshare, "-n")


@pytest.fixture(scope="module")
def offline_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    prefix = network_namespace()
    root = scratch_copy(tmp_path_factory.mktemp("offline"))
    return root, run(root, prefix=prefix)


def test_whole_workflow_runs_without_network(offline_build):
    root, result = offline_build
    assert result.returncode == 0, result.stderr[-3000:]
    assert (root / "results/paper/paper.pdf").is_file()


def test_two_folders_give_identical_bytes(reference_build, offline_build):
    root, result = offline_build
    assert result.returncode == 0, result.stderr[-3000:]
    expected, found = digests(reference_build), digests(root)
    assert {p for p in expected if p.endswith(".pdf")} >= {"results/paper/paper.pdf"}
    differing = sorted(p for p in expected.keys() | found.keys()
                       if expected.get(p) != found.get(p))
    assert not differing


def interrupt_when(root: Path, marker: str, sig: int, *args: str) -> int:
    """Start Snakemake in its own process group, send `sig` to the group once `marker` is in
    its log, and return its exit code."""
    log = root / "interrupted.log"
    with log.open("w") as out:
        process = subprocess.Popen(snakemake_command(*args), cwd=root, env=environment(root),
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 900
        while marker not in log.read_text() and process.poll() is None:
            assert time.monotonic() < deadline, f"{marker!r} never appeared"
            time.sleep(0.5)
        assert process.poll() is None, f"finished before {marker!r}: {log.read_text()[-2000:]}"
        os.killpg(process.pid, sig)
        return process.wait(timeout=300)


@pytest.fixture(scope="module")
def resumed_build(tmp_path_factory) -> Path:
    root = scratch_copy(tmp_path_factory.mktemp("interrupted"))
    assert interrupt_when(root, "rule model:", signal.SIGINT) != 0
    assert interrupt_when(root, "rule bootstrap:", signal.SIGTERM, "--rerun-incomplete") != 0
    result = run(root, "--rerun-incomplete")
    assert result.returncode == 0, result.stderr[-3000:]
    return root


def test_interrupted_runs_resume_to_the_same_outputs(reference_build, resumed_build):
    for name in KEY_OUTPUTS:
        assert (resumed_build / name).read_bytes() == (reference_build / name).read_bytes(), name
    assert digests(resumed_build) == digests(reference_build)


def test_changed_map_file_does_not_rerun_features(resumed_build):
    """A new version of the map's outlines (with its checksum) reruns the map, not the features."""
    topojson = resumed_build / "data/raw/natural_earth/countries-50m.json"
    topojson.write_bytes(topojson.read_bytes() + b"\n")
    sums = resumed_build / "data/raw/SHA256SUMS"
    new = hashlib.sha256(topojson.read_bytes()).hexdigest()
    sums.write_text("".join(
        f"{new}  ./natural_earth/countries-50m.json\n"
        if line.endswith("./natural_earth/countries-50m.json") else f"{line}\n"
        for line in sums.read_text().splitlines()))
    result = run(resumed_build, "--dry-run")
    assert result.returncode == 0, result.stderr[-3000:]
    planned = result.stdout + result.stderr
    assert "rule figure:" in planned and "world_map_es11_1" in planned
    for rule in ("features:", "un_tables:", "panel:", "model:"):
        assert f"rule {rule}" not in planned, rule
