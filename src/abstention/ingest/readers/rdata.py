"""R data files (.rda / .RData), read without R."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abstention.errors import DataError


def read_rdata_table(path: str | Path, name: str) -> pd.DataFrame:
    """Return object `name` from an R data file, stopping if the file is not one or lacks it."""
    # Imported here: pyreadr brings polars, and most modules that import this one through the
    # country mapper never read an R file.
    import pyreadr

    try:
        objects = pyreadr.read_r(str(path))
    except (pyreadr.custom_errors.PyreadrError, pyreadr.custom_errors.LibrdataError, OSError,
            ValueError) as exc:
        found = f"{type(exc).__name__}: {exc}"
        raise DataError(path, name, "a readable R data file", found) from exc
    if name not in objects:
        raise DataError(path, name, f"an object named {name!r}", sorted(objects))
    return objects[name]
