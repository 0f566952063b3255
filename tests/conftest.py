"""Shared fixtures: paths into the repository's vendored data, the country mapper and the
config schema's defaults."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from abstention.ingest.countries import CountryMapper, country_mapper


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def raw_dir(repo_root: Path) -> Path:
    return repo_root / "data" / "raw"


@pytest.fixture(scope="session")
def hand_dir(repo_root: Path) -> Path:
    return repo_root / "data" / "hand"


@pytest.fixture(scope="session")
def schema_defaults(repo_root: Path):
    """`schema_defaults(section)`: the default of every key of a config section that has one,
    as the workflow's validation fills them; a fresh copy on each call."""
    schema = repo_root / "workflow" / "schemas" / "config.schema.json"

    def defaults(section: str) -> dict:
        properties = yaml.safe_load(schema.read_text())["properties"][section]["properties"]
        return {key: value["default"] for key, value in properties.items() if "default" in value}

    return defaults


@pytest.fixture(scope="session")
def mapper(raw_dir: Path) -> CountryMapper:
    return country_mapper(raw_dir / "countrycode" / "codelist.rda")


@pytest.fixture(scope="session")
def source_tables(repo_root: Path, mapper: CountryMapper):
    """`source_tables(*names)`: the ingest stage's checked tables of the named sources, each
    built once from the vendored files."""
    from abstention.ingest.source_tables import build_source_table

    first_year = yaml.safe_load((repo_root / "config" / "config.yaml").read_text())["record"][
        "first_year"]
    built = {}

    def tables(*names: str) -> dict:
        for name in names:
            if name not in built:
                built[name] = build_source_table(name, mapper, first_year, repo_root)
        return {name: built[name] for name in names}

    return tables


def run_snakemake(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", *args],
                          cwd=root, capture_output=True, text=True)


@pytest.fixture(scope="session")
def snakemake_in_repo(repo_root: Path):
    return lambda *args: run_snakemake(repo_root, *args)


@pytest.fixture(scope="session")
def workflow_results(repo_root: Path) -> Path:
    """The whole workflow run once in the repository (Snakemake skips what is up to date)."""
    result = run_snakemake(repo_root, "results/paper/paper.pdf")
    assert result.returncode == 0, result.stderr[-3000:]
    return repo_root / "results"
