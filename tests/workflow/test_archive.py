"""The replication archive holds the commit it names, never uncommitted edits; the same commit
and date give the same bytes; and the archive alone rebuilds the paper.

Archives are built in scratch clones, so the tests never write to or depend on the checkout's
working tree.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from abstention.archive import listing

NAME = "abstention-replication"
SOURCE_DATE_EPOCH = "1700000000"
BUILD_DATE = "2023-11-14T22:13:20Z"
EDITED = "src/abstention/outputs/style.py"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--no-optional-locks", *args], cwd=repo, capture_output=True,
                          text=True, check=True).stdout.strip()


def scratch_clone(repo_root: Path, folder: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(repo_root), str(folder)], check=True,
                   capture_output=True)
    return folder


def build_archive(repo: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    environment = os.environ | {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    return subprocess.run(
        [sys.executable, "-m", "abstention.archive", "--out", str(out), *options],
        cwd=repo, env=environment, capture_output=True, text=True,
    )


def packed(archive: Path, path: str) -> bytes:
    with tarfile.open(archive) as tar:
        return tar.extractfile(f"{NAME}/{path}").read()


def manifest_of(archive: Path) -> dict:
    return json.loads(packed(archive, "MANIFEST.json"))


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def clean_clone(repo_root, tmp_path_factory) -> Path:
    return scratch_clone(repo_root, tmp_path_factory.mktemp("clean") / "repo")


@pytest.fixture(scope="module")
def clean_archive(clean_clone, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean-archive")
    result = build_archive(clean_clone, out)
    assert result.returncode == 0, result.stderr
    return out / f"{NAME}.tar.gz"


@pytest.fixture(scope="module")
def dirty_clone(repo_root, tmp_path_factory) -> Path:
    """A clone with an uncommitted edit to a tracked file and an untracked file."""
    clone = scratch_clone(repo_root, tmp_path_factory.mktemp("dirty") / "repo")
    with (clone / EDITED).open("a", encoding="utf-8") as handle:
        handle.write("# an edit that was never committed\n")
    (clone / "scratch-notes.txt").write_text("not tracked\n", encoding="utf-8")
    return clone


def test_manifest_names_the_head_commit_and_the_build_date(clean_clone, clean_archive):
    manifest = manifest_of(clean_archive)
    assert manifest["commit"] == git(clean_clone, "rev-parse", "HEAD")
    assert manifest["describe"] == git(clean_clone, "describe", "--always", "--dirty")
    assert manifest["build_date"] == BUILD_DATE
    assert (manifest["dirty"], manifest["dirty_files"]) == (False, [])
    assert manifest["committed_files"] == len(git(clean_clone, "ls-files").splitlines())


def test_unpacked_archive_has_every_tracked_file_and_its_checksums_verify(
        clean_clone, clean_archive, tmp_path):
    beside = (clean_archive.parent / f"{clean_archive.name}.sha256").read_text().split()
    assert beside == [hashlib.sha256(clean_archive.read_bytes()).hexdigest(), clean_archive.name]
    with tarfile.open(clean_archive) as tar:
        tar.extractall(tmp_path, filter="data")
    unpacked = tmp_path / NAME
    sums = dict(reversed(line.split(maxsplit=1))
                for line in (unpacked / "SHA256SUMS").read_text().splitlines())
    tracked = git(clean_clone, "ls-files").splitlines()
    assert sorted(sums) == sorted([*tracked, "MANIFEST.json"])
    on_disk = {str(path.relative_to(unpacked)) for path in unpacked.rglob("*") if path.is_file()}
    assert on_disk == {*sums, "SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((unpacked / name).read_bytes()).hexdigest() == digest, name
    for name in tracked:
        assert (unpacked / name).read_bytes() == (clean_clone / name).read_bytes(), name


def test_same_commit_and_date_give_identical_bytes(clean_clone, clean_archive, tmp_path):
    again = build_archive(clean_clone, tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / clean_archive.name).read_bytes() == clean_archive.read_bytes()


def test_an_uncommitted_edit_stops_the_archive(dirty_clone, tmp_path):
    result = build_archive(dirty_clone, tmp_path)
    assert result.returncode != 0
    assert EDITED in result.stderr
    assert "--allow-dirty" in result.stderr and "ALLOW_DIRTY=1" in result.stderr
    assert not (tmp_path / f"{NAME}.tar.gz").exists()


def test_allow_dirty_packs_head_without_the_edit_and_records_it(dirty_clone, tmp_path):
    result = build_archive(dirty_clone, tmp_path, "--allow-dirty")
    assert result.returncode == 0, result.stderr
    assert "NOT in the archive" in result.stderr and EDITED in result.stderr
    archive = tmp_path / f"{NAME}.tar.gz"
    head_content = subprocess.run(["git", "show", f"HEAD:{EDITED}"], cwd=dirty_clone,
                                  capture_output=True, check=True).stdout
    assert packed(archive, EDITED) == head_content != (dirty_clone / EDITED).read_bytes()
    with tarfile.open(archive) as tar:
        assert f"{NAME}/scratch-notes.txt" not in tar.getnames()
    manifest = manifest_of(archive)
    assert manifest["commit"] == git(dirty_clone, "rev-parse", "HEAD")
    assert manifest["describe"].endswith("-dirty")
    assert (manifest["dirty"], manifest["dirty_files"]) == (True, [EDITED])


def test_a_long_file_list_stops_after_ten_and_counts_the_rest():
    assert listing([f"file{i}" for i in range(13)]).splitlines() == [
        *(f"  file{i}" for i in range(10)), "  and 3 more"]
    assert "more" not in listing([f"file{i}" for i in range(10)])


@pytest.mark.workflow
def test_archive_rebuilds_the_paper_offline(repo_root, clean_archive, request, tmp_path):
    if git(repo_root, "status", "--porcelain", "--untracked-files=no"):
        pytest.skip("the checkout has uncommitted changes: the archive holds HEAD, while the "
                    "reference paper would be built from the working tree")
    workflow_results = request.getfixturevalue("workflow_results")
    with tarfile.open(clean_archive) as tar:
        tar.extractall(tmp_path, filter="data")
    unpacked = tmp_path / NAME
    environment = os.environ | {"PYTHONPATH": str(unpacked / "src"), "OPENBLAS_NUM_THREADS": "1"}
    build = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", "results/paper/paper.pdf"],
        cwd=unpacked, env=environment, capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    rebuilt = unpacked / "results" / "paper" / "paper.pdf"
    assert pdf_text(rebuilt) == pdf_text(workflow_results / "paper" / "paper.pdf")
