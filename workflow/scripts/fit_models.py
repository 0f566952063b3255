from pathlib import Path

import pandas as pd

from abstention.logs import step_log
from abstention.models import fit_and_write

with step_log(snakemake.log[0], "models") as log:
    given = snakemake.input
    panels = {"main": pd.read_parquet(given.panel), "placebo": pd.read_parquet(given.placebo)}
    imputations = pd.read_parquet(given.imputations)
    folders = [Path(fit_file).parent for fit_file in snakemake.output.fits]
    for line in fit_and_write(panels, imputations, snakemake.params.specs, folders,
                              snakemake.threads):
        log.info("%s", line)
