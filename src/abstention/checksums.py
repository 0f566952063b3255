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


def verify_checksums(sums_file: str | Path) -> list[str]:
    """Check every file listed in a `sha256sum` file, relative to that file's folder."""
    sums_file = Path(sums_file)
    checked = []
    for number, line in enumerate(sums_file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        expected, _, name = line.partition("  ")
        if len(expected) != 64 or not name:
            raise DataError(sums_file, f"line {number}", "'<sha256>  <path>'", line)
        path = sums_file.parent / name
        if not path.is_file():
            raise DataError(path, "file", f"a file with checksum {expected}", "no such file")
        found = sha256(path)
        if found != expected:
            raise DataError(path, "sha256", expected, found)
        checked.append(name)
    return checked
