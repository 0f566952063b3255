"""Per-text penalised estimates of the tie effects: one model refitted on each text alone.

Single texts are small cross-sections in which whole groups vote alike (every Western European
and Others member votes yes on most texts), so maximum likelihood often has no finite answer;
the configured model is a Firth logit. A text on which the model cannot be fitted (one outcome
class, a term without variation) is a row with status `failed` and the reason, never a crash.
"""

from __future__ import annotations

import pandas as pd

from abstention.errors import DataError
from abstention.models.configured import fit_configured

COLUMNS = ["symbol", "date", "period", "material_text", "has_sponsor_list", "term", "estimate",
           "std_error", "ci_low", "ci_high", "p", "separated", "few_clusters", "n", "n_states",
           "status", "reason"]


def per_text_effects(panel: pd.DataFrame, imputations: pd.DataFrame, spec: dict,
                     terms: list[str]) -> pd.DataFrame:
    unknown = [t for t in terms if t not in spec["covariates"]]
    if unknown:
        raise DataError("config heterogeneity", "terms", f"terms of model {spec['name']}",
                        unknown)
    texts = panel.drop_duplicates("symbol").sort_values("date")
    records = []
    for text in texts.itertuples():
        about = {"symbol": text.symbol, "date": text.date, "period": text.period,
                 "material_text": text.material_text, "has_sponsor_list": text.has_sponsor_list}
        try:
            # Only the margins are reported, and they are Wald: no profile likelihood.
            result = fit_configured(panel, imputations, {**spec, "resolutions": [text.symbol]},
                                    profile=False)
        except DataError as error:
            records += [{**about, "term": term, "status": "failed", "reason": str(error)}
                        for term in terms]
            continue
        margins = result.margins.set_index("term")
        for term in terms:
            row = margins.loc[term]
            records.append({**about, "term": term, **{c: row[c] for c in (
                "estimate", "std_error", "ci_low", "ci_high", "p", "separated", "few_clusters")},
                "n": result.fit["n"], "n_states": result.fit["states"], "status": "ok",
                "reason": ""})
    return pd.DataFrame(records, columns=COLUMNS)
