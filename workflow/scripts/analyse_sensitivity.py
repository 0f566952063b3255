import pandas as pd

from abstention.logs import step_log
from abstention.models.confounding import state_level_sensitivity
from abstention.schemas import write_table

with step_log(snakemake.log[0], "sensitivity") as log:
    params = snakemake.params
    table = state_level_sensitivity(pd.read_parquet(snakemake.input.panel),
                                    pd.read_parquet(snakemake.input.imputations), params.spec,
                                    params.texts, params.settings)
    write_table(table, snakemake.output[0])
    log.info("%s", table.to_string())
