import pandas as pd

from abstention.logs import step_log
from abstention.models.multiverse import observed_effect, randomisation_summary
from abstention.schemas import write_table

with step_log(snakemake.log[0], "randomisation") as log:
    params = snakemake.params
    observed, sample = observed_effect(pd.read_parquet(snakemake.input.panel),
                               pd.read_parquet(snakemake.input.imputations), params.spec,
                               params.tie)
    draws = pd.concat([pd.read_parquet(path) for path in snakemake.input.draws],
                      ignore_index=True)
    summary = randomisation_summary(draws, observed, params.spec["name"], sample)
    write_table(summary, snakemake.output[0])
    log.info("%s", summary.to_string(index=False))
