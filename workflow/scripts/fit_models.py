from pathlib import Path

import pandas as pd

from abstention.logs import step_log
from abstention.models.configured import fit_configured, write_model

with step_log(snakemake.log[0], "models") as log:
    given = snakemake.input
    panels = {"main": pd.read_parquet(given.panel), "placebo": pd.read_parquet(given.placebo)}
    imputations = pd.read_parquet(given.imputations)
    completed = {name: {} for name in panels}  # each panel's completed data sets, made once
    for spec, fit_file in zip(snakemake.params.specs, snakemake.output.fits, strict=True):
        result = fit_configured(panels[spec["panel"]], imputations, spec,
                                completed=completed[spec["panel"]])
        write_model(result, Path(fit_file).parent)
        log.info("%s: n=%s states=%s converged=%s separation=%s", spec["name"], result.fit["n"],
                 result.fit["states"], result.fit["converged"],
                 result.fit["separation"]["detected"])
