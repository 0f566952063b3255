"""The four clean UN tables as pandera schemas.

A table that breaks one is refused with a DataError naming the file, the column or key, what was
expected and what was found. Kept apart from `abstention.schemas` because importing pandera
costs about 0.15 s, which only the jobs that write these tables should pay.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrorReason, SchemaErrors

from abstention.errors import DataError
from abstention.schemas import listed_keys
from abstention.vote_codes import ARTICLE19_CERTAINTIES, VOTES


def _key() -> pa.Column:
    return pa.Column(str)


def _optional(dtype: object = None) -> pa.Column:
    return pa.Column(dtype, nullable=True)


def _one_of(values: Iterable[str]) -> pa.Column:
    return pa.Column(checks=pa.Check.isin(sorted(values)), nullable=True)


def _table(name: str, key: list[str], columns: dict[str, pa.Column]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(columns, unique=key, report_duplicates="all", name=name)


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "resolutions": _table("resolutions", ["res_id"], {
        "res_id": _key(),
        "body": _one_of({"GA", "SC"}),
        "symbol": _optional(),
        "session": _optional(),
        "date": _optional(pa.DateTime),
        "title": _optional(),
        **{f"official_{vote}": _optional("Int64") for vote in ("yes", "no", "abstain")},
        "recorded_vote": _optional(bool),
        "ukraine_russia": _optional(bool),
        "source": _optional(),
    }),
    "votes": _table("votes", ["res_id", "iso3"], {
        "res_id": _key(),
        "iso3": _key(),
        "vote": _one_of(VOTES),
        "source": _optional(),
        "article19": _one_of(ARTICLE19_CERTAINTIES),
    }),
    "sponsorships": _table("sponsorships", ["res_id", "iso3"], {
        "res_id": _key(),
        "iso3": _key(),
        "role": _one_of({"sponsor", "additional"}),
        "body": _one_of({"GA", "SC"}),
        "session": _optional(),
        "adoption": _one_of({"recorded vote", "without a vote"}),
    }),
    "countries": _table("countries", ["iso3"], {
        "iso3": _key(),
        "name": _optional(),
        "cown": _optional("Int64"),
        "un_group": _optional(),
        "member_from": _optional(pa.DateTime),
        "member_to": _optional(pa.DateTime),
    }),
}

# The order in which a user would fix the problems: the first one present is reported.
_FIX_ORDER = (
    SchemaErrorReason.COLUMN_NOT_IN_DATAFRAME,
    SchemaErrorReason.WRONG_DATATYPE,
    SchemaErrorReason.SERIES_CONTAINS_NULLS,
    SchemaErrorReason.DUPLICATES,
    SchemaErrorReason.DATAFRAME_CHECK,
)


def _fix_rank(error: SchemaError) -> int:
    known = error.reason_code in _FIX_ORDER
    return _FIX_ORDER.index(error.reason_code) if known else len(_FIX_ORDER)


def _refusal(errors: SchemaErrors, frame: pd.DataFrame, schema: pa.DataFrameSchema,
             path: str | Path) -> DataError:
    """Pandera's first problem (in fixing order) as a DataError, with every failing case."""
    first = min(errors.schema_errors, key=_fix_rank)
    same = [e for e in errors.schema_errors if e.reason_code == first.reason_code]
    reason, column = first.reason_code, first.schema.name
    if reason == SchemaErrorReason.COLUMN_NOT_IN_DATAFRAME:
        missing = [e.failure_cases for e in same]
        return DataError(path, "columns", f"the {schema.name} schema's columns "
                         f"{list(schema.columns)}", f"missing {missing}")
    if reason == SchemaErrorReason.WRONG_DATATYPE:
        return DataError(path, column, f"dtype {first.schema.dtype}",
                         f"dtype {frame[column].dtype}")
    if reason == SchemaErrorReason.SERIES_CONTAINS_NULLS:
        rows = sorted({row for e in same for row in e.failure_cases["index"]})
        return DataError(path, [e.schema.name for e in same], "no missing key values",
                         f"missing in rows {rows[:20]}")
    if reason == SchemaErrorReason.DUPLICATES:
        repeated = frame.loc[first.failure_cases["index"].unique(), schema.unique]
        return DataError(path, ", ".join(schema.unique), "one row per key",
                         listed_keys(repeated))
    if reason == SchemaErrorReason.DATAFRAME_CHECK and "allowed_values" in first.check.statistics:
        return DataError(path, column, f"values in {first.check.statistics['allowed_values']}",
                         sorted(first.failure_cases["failure_case"].astype(str).unique()))
    return DataError(path, column, f"a pass of the {schema.name} schema's {first.check}",
                     str(first).splitlines()[0])


def check_schema(frame: pd.DataFrame, name: str, path: str | Path) -> pd.DataFrame:
    """The table sorted by its key, or the first problem as a DataError."""
    schema = SCHEMAS[name]
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        raise _refusal(errors, frame, schema, path) from None
    return frame.sort_values(schema.unique).reset_index(drop=True)
