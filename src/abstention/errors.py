"""One error type for bad input, so the workflow stops with a message a user can act on."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches
from pathlib import Path


class DataError(ValueError):
    """Bad input: names the file, the row or key, what was expected and what was found; given
    the valid names (`known`), it suggests the nearest one for each name found."""

    def __init__(self, path: str | Path | None, key: object, expected: str, found: object,
                 *, known: Iterable[str] | None = None):
        self.path = str(path) if path is not None else None
        self.key = key
        self.expected = expected
        self.found = found
        where = f"{self.path}" if self.path else "<input>"
        message = f"{where} [{key}]: expected {expected}; found {found!r}"
        if known is not None:
            message += did_you_mean(found, known)
        super().__init__(message)


def did_you_mean(found: object, known: Iterable[str]) -> str:
    """'; did you mean ...?' for the names in `found` (a name or a list) that have a close
    valid name, else ''."""
    names = [found] if isinstance(found, str) else list(found) if found else []
    known = sorted(set(known))
    pairs = []
    for name in names:
        close = get_close_matches(str(name), known, n=1, cutoff=0.6)
        if close:
            pairs.append(f"{close[0]!r} for {name!r}" if len(names) > 1 else repr(close[0]))
    return f"; did you mean {', '.join(pairs)}?" if pairs else ""
