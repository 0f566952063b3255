from pathlib import Path

import pandas as pd

from abstention.logs import step_log
from abstention.models.configured import fit_configured, write_model

with step_log(snakemake.log[0], "model") as log:
    spec = snakemake.params.spec
    result = fit_configured(pd.read_parquet(snakemake.input.panel),
                            pd.read_parquet(snakemake.input.imputations), spec)
    write_model(result, Path(snakemake.output.fit).parent)
    log.info("%s: n=%s states=%s converged=%s separation=%s", spec["name"], result.fit["n"],
             result.fit["states"], result.fit["converged"], result.fit["separation"]["detected"])
