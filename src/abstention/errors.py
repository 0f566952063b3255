"""One error type for bad input, so the workflow stops with a message a user can act on."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """Bad input: names the file, the row or key, what was expected and what was found."""

    def __init__(self, path: str | Path | None, key: object, expected: str, found: object):
        self.path = str(path) if path is not None else None
        self.key = key
        self.expected = expected
        self.found = found
        where = f"{self.path}" if self.path else "<input>"
        super().__init__(f"{where} [{key}]: expected {expected}; found {found!r}")
