"""The SLURM profile: a model stage run through a single-node cluster equals a local run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from slurm_cluster import ClusterUnavailable, SlurmCluster

# The stage sent to the cluster: the resampling chunks and what they gather into, and the
# single-text and out-of-sample fits. Their upstream inputs are built locally first.
TARGETS = [
    "results/resampling/bootstrap_0.parquet",
    "results/resampling/bootstrap_1.parquet",
    "results/models/hypotheses.csv",
    "results/models/heterogeneity.csv",
    "results/models/validation.csv",
]
PROFILE = "workflow/profiles/slurm"
# Where `make setup` installs workflow/envs/slurm-plugin.txt, beside the environment.
SLURM_PLUGIN = Path(sys.prefix) / "slurm-plugin"
ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 1800
TOLERANCE = 1e-12


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    slurm = SlurmCluster(tmp_path_factory.mktemp("slurm"))
    try:
        slurm.start()
    except ClusterUnavailable as err:
        pytest.fail(f"SLURM could not be started: {err}", pytrace=False)
    try:
        yield slurm
    finally:
        slurm.stop()


def copy_repository(destination: Path) -> Path:
    """The committed files with the working tree's changes and new files, nothing generated."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listing.split(b"\0")):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            (destination / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / os.fsdecode(name))
    return destination


def snakemake(project: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    """Snakemake with the SLURM executor on the path (the jobs inherit it through sbatch)."""
    if not (SLURM_PLUGIN / "snakemake_executor_plugin_slurm").is_dir():
        pytest.fail(f"the SLURM executor plugin is not in {SLURM_PLUGIN}: run `make setup`",
                    pytrace=False)
    path = os.pathsep.join([str(project / "src"), str(SLURM_PLUGIN)])
    environment = {**env, "PYTHONPATH": path, "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=project,
                          env=environment, capture_output=True, text=True, timeout=RUN_TIMEOUT)


def result_files(results: Path) -> dict[str, Path]:
    """Every output under results/ except logs and rule benchmarks, whose times and host names
    differ by run."""
    return {str(p.relative_to(results)): p for p in results.rglob("*")
            if p.is_file() and p.relative_to(results).parts[0] not in {"logs", "benchmarks"}}


def difference(local: Path, cluster: Path) -> str | None:
    """None if the files are equal: byte for byte, or CSV/Parquet values within TOLERANCE."""
    if local.read_bytes() == cluster.read_bytes():
        return None
    readers = {".csv": pd.read_csv, ".parquet": pd.read_parquet}
    if local.suffix not in readers:
        return "bytes differ"
    try:
        pd.testing.assert_frame_equal(readers[local.suffix](local),
                                      readers[local.suffix](cluster),
                                      check_exact=False, rtol=0, atol=TOLERANCE)
    except AssertionError as err:
        return f"values differ beyond {TOLERANCE}: {err}"
    print(f"{local.name}: bytes differ, values equal within {TOLERANCE}")
    return None


def sacct_jobs(cluster: SlurmCluster, run_id: str, since: datetime) -> list[tuple[str, str]]:
    result = subprocess.run(
        ["sacct", "-n", "-X", "-P", "-o", "JobName,State", "--name", run_id,
         "--starttime", since.strftime("%Y-%m-%dT%H:%M:%S")],
        env=cluster.env, capture_output=True, text=True, check=True)
    return [tuple(line.split("|")) for line in result.stdout.splitlines() if line]


@pytest.mark.slurm
@pytest.mark.workflow
def test_stage_runs_under_slurm_and_equals_local_run(cluster, tmp_path):
    project = copy_repository(tmp_path / "project")
    local = snakemake(project, cluster.env, "--cores", "1", *TARGETS)
    assert local.returncode == 0, local.stderr[-3000:]
    local_results = shutil.copytree(project / "results", tmp_path / "local_results")
    for target in TARGETS:
        (project / target).unlink()

    submitted = time.time()
    started = time.monotonic()
    run = snakemake(project, cluster.env, "--workflow-profile", PROFILE, *TARGETS)
    run_seconds = time.monotonic() - started
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-5000:]

    run_id = re.search(r"SLURM run ID: (\S+)", log)
    rule_jobs = re.search(r"^total\s+(\d+)$", log, re.MULTILINE)
    assert run_id and rule_jobs, log[-3000:]
    jobs = sacct_jobs(cluster, run_id.group(1), datetime.fromtimestamp(submitted - 1))
    assert jobs, f"sacct lists no job named {run_id.group(1)}"
    assert all(state == "COMPLETED" for _, state in jobs), jobs
    assert len(jobs) < int(rule_jobs.group(1)), "the profile's groups did not bundle jobs"

    rewritten = {name: path for name, path in result_files(project / "results").items()
                 if path.stat().st_mtime >= submitted}
    assert set(TARGETS) <= {f"results/{name}" for name in rewritten}
    differences = {name: difference(local_results / name, path)
                   for name, path in rewritten.items()}
    assert not {name: why for name, why in differences.items() if why}
    installed = (f"{cluster.install_seconds:.1f} s" if cluster.install_seconds is not None
                 else "not needed")
    print(f"\nSLURM: sacct listed {len(jobs)} jobs for {rule_jobs.group(1)} rule jobs, all "
          f"COMPLETED; run took {run_seconds:.1f} s; {len(rewritten)} output files equal the "
          f"local run's; cluster started in {cluster.start_seconds:.1f} s; "
          f"apt-get install {installed}")


def test_profile_naming_missing_executor_stops_naming_the_key(tmp_path):
    profile = tmp_path / "profile"
    profile.mkdir()
    (profile / "config.yaml").write_text("executor: nonexistent\njobs: 2\n")
    (tmp_path / "Snakefile").write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--workflow-profile", str(profile), "--dry-run"],
        cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert "argument --executor/-e: invalid choice: 'nonexistent'" in result.stderr
    assert not (tmp_path / ".snakemake").exists()
