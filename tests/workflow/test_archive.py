"""The replication archive alone rebuilds the paper: same text as the repository's build."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ARCHIVE = Path("results") / "archive" / "abstention-replication.tar.gz"


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.workflow
def test_archive_rebuilds_the_paper_offline(repo_root, workflow_results, tmp_path):
    subprocess.run(["make", "--no-print-directory", "archive"], cwd=repo_root, check=True,
                   capture_output=True)
    archive = repo_root / ARCHIVE
    beside = (archive.parent / f"{archive.name}.sha256").read_text().split()[0]
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == beside
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path, filter="data")
    unpacked = tmp_path / "abstention-replication"
    tracked = subprocess.run(["git", "ls-files"], cwd=repo_root, capture_output=True,
                             text=True, check=True).stdout.splitlines()
    sums = dict(
        reversed(line.split(maxsplit=1))
        for line in (unpacked / "SHA256SUMS").read_text().splitlines()
    )
    assert sorted(sums) == sorted(tracked)
    for name, digest in sums.items():
        assert hashlib.sha256((unpacked / name).read_bytes()).hexdigest() == digest, name

    environment = os.environ | {"PYTHONPATH": str(unpacked / "src"), "OPENBLAS_NUM_THREADS": "1"}
    build = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", "results/paper/paper.pdf"],
        cwd=unpacked, env=environment, capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    rebuilt = unpacked / "results" / "paper" / "paper.pdf"
    assert pdf_text(rebuilt) == pdf_text(workflow_results / "paper" / "paper.pdf")
