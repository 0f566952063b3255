"""Shared fixtures: paths into the repository's vendored data and the country mapper."""

from __future__ import annotations

from pathlib import Path

import pytest

from abstention.countries import CountryMapper, country_mapper


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
def mapper(raw_dir: Path) -> CountryMapper:
    return country_mapper(raw_dir / "countrycode" / "codelist.rda")
