import pandas as pd

from abstention.logs import step_log
from abstention.models.hypotheses import bootstrap_chunk
from abstention.models.resampling import state_draw
from abstention.schemas import write_table

with step_log(snakemake.log[0], "bootstrap") as log:
    params = snakemake.params
    draws = bootstrap_chunk(pd.read_parquet(snakemake.input.panel),
                            pd.read_parquet(snakemake.input.imputations), params.specs,
                            params.entries, params.tie, range(*params.replicates), params.seed,
                            state_draw)
    write_table(draws, snakemake.output[0])
    log.info("replicates %s: %d values, %d missing", params.replicates, len(draws),
             int(draws["value"].isna().sum()))
