from pathlib import Path

import pandas as pd

from abstention.logs import step_log
from abstention.models import fit_spec, write_model

with step_log(snakemake.log[0], "model") as log:  # noqa: F821
    spec = snakemake.params.spec  # noqa: F821
    result = fit_spec(pd.read_parquet(snakemake.input.panel), spec)  # noqa: F821
    write_model(result, Path(snakemake.output.fit).parent)  # noqa: F821
    log.info("%s: n=%s converged=%s separation=%s", spec["name"], result.fit["n"],
             result.fit["converged"], result.fit["separation"]["detected"])
