"""The ingest stage run by Snakemake on a small copy of the data in a temporary folder."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_RAW = [
    "un_ga_resolutions/74.json",
    "un_ga_resolutions/ES-11.json",
    "un_sc_resolutions/2022.json",
    "unga_2025_extract/un_votes_2025_processed.csv",
    "un_dl_votes_2022/UN_DATA_2022-01-29.csv.zip",
    "voeten_unvotes/UNVotesPublished.RData",
    "voeten_unvotes/un_votes.rda",
    "voeten_unvotes/un_roll_calls.rda",
    "countrycode/codelist.rda",
]
TARGET = "results/data/votes.parquet"

pytestmark = pytest.mark.workflow


def write_sums(raw: Path) -> None:
    lines = [f"{hashlib.sha256((raw / n).read_bytes()).hexdigest()}  ./{n}" for n in FIXTURE_RAW]
    (raw / "SHA256SUMS").write_text("\n".join(lines) + "\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for part in ("Snakefile", "workflow", "config", "paper", "data/hand"):
        source = ROOT / part
        copy = shutil.copytree if source.is_dir() else shutil.copy
        (tmp_path / part).parent.mkdir(parents=True, exist_ok=True)
        copy(source, tmp_path / part)
    (tmp_path / "src").symlink_to(ROOT / "src")
    for name in FIXTURE_RAW:
        (tmp_path / "data/raw" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "data/raw" / name, tmp_path / "data/raw" / name)
    write_sums(tmp_path / "data/raw")
    return tmp_path


def run(project: Path, *targets: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "1", "--directory", str(project),
         "--snakefile", str(project / "Snakefile"), *targets],
        capture_output=True, text=True, cwd=project,
    )


def test_ingest_runs_on_fixture_data(project):
    result = run(project, TARGET)
    assert result.returncode == 0, result.stderr[-3000:]
    votes = pd.read_parquet(project / TARGET)
    es1 = votes[votes["res_id"] == "A/RES/ES-11/1"]["vote"].value_counts()
    assert (es1["yes"], es1["no"], es1["abstain"], es1.sum()) == (141, 5, 35, 193)
    assert es1["no_right_to_vote"] == 1  # Venezuela, Article 19
    assert (project / "results/data/tally_report.csv").exists()
    assert (project / "results/data/article19_report.csv").exists()
    assert (project / "results/logs/un_tables.log").read_text().count("rows") >= 4


def test_changed_raw_file_stops_naming_it(project):
    path = project / "data/raw/un_ga_resolutions/ES-11.json"
    path.write_bytes(path.read_bytes().replace(b"141", b"142", 1))
    result = run(project, TARGET)
    assert result.returncode != 0
    assert "ES-11.json" in result.stderr + result.stdout
    assert not (project / TARGET).exists()


def test_truncated_json_line_stops_naming_file_and_line(project):
    path = project / "data/raw/un_ga_resolutions/ES-11.json"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][:200]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_sums(project / "data/raw")
    result = run(project, TARGET)
    assert result.returncode != 0
    log = (project / "results/logs/un_tables.log").read_text()
    assert "ES-11.json [line 3]" in log
    assert not (project / TARGET).exists()
    assert not (project / "results/data/resolutions.parquet").exists()
