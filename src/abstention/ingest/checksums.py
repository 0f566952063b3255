"""Raw data is immutable: verify every vendored file against its recorded checksum."""

from __future__ import annotations

import hashlib
from pathlib import Path

from abstention.errors import DataError


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_sums(sums_file: str | Path) -> dict[str, str]:
    """The checksums of a `sha256sum` file by path relative to its folder (no leading './')."""
    sums_file = Path(sums_file)
    sums = {}
    for number, line in enumerate(sums_file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        expected, _, name = line.partition("  ")
        if len(expected) != 64 or not name:
            raise DataError(sums_file, f"line {number}", "'<sha256>  <path>'", line)
        sums[name.removeprefix("./")] = expected
    return sums


def verify_sums(expected: dict[str, str], root: str | Path) -> list[str]:
    """Check each file under `root` against its expected checksum; the names checked."""
    for name, checksum in expected.items():
        path = Path(root) / name
        if not path.is_file():
            raise DataError(path, "file", f"a file with checksum {checksum}", "no such file")
        found = sha256(path)
        if found != checksum:
            raise DataError(path, "sha256", checksum, found)
    return list(expected)


def verify_checksums(sums_file: str | Path) -> list[str]:
    """Check every file listed in a `sha256sum` file, relative to that file's folder."""
    return verify_sums(read_sums(sums_file), Path(sums_file).parent)
