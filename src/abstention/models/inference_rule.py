"""The rule that no Wald test, interval or star is reported for a term that is separated or
rests on too few informative clusters (`models.fit.treated_clusters`), checked on any result
table that carries the flags."""

from __future__ import annotations

import pandas as pd

from abstention.models.common import FEW_CLUSTERS, INFERENCE_COLUMNS, SEPARATED

FLAGS = (SEPARATED, FEW_CLUSTERS)


def wald_violations(table: pd.DataFrame) -> pd.DataFrame:
    """Rows flagged separated or few-clusters that still carry a standard error, test or
    interval."""
    flags = [column for column in FLAGS if column in table.columns]
    shown = [column for column in INFERENCE_COLUMNS if column in table.columns]
    if not flags or not shown:
        return table.iloc[:0]
    flagged = table[flags].fillna(False).astype(bool).any(axis=1)
    return table[flagged & table[shown].notna().any(axis=1)]
