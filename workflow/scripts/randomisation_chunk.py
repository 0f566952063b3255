import pandas as pd

from abstention.logs import step_log
from abstention.models.multiverse import permutation_chunk
from abstention.schemas import write_table

with step_log(snakemake.log[0], "randomisation chunk") as log:
    params = snakemake.params
    draws = permutation_chunk(pd.read_parquet(snakemake.input.panel),
                              pd.read_parquet(snakemake.input.imputations), params.spec,
                              params.tie, range(*params.draws), params.seed)
    write_table(draws, snakemake.output[0])
    log.info("permutations %s: %d missing", params.draws, int(draws["ame"].isna().sum()))
