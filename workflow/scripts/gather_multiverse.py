import pandas as pd

from abstention.logs import step_log
from abstention.models.multiverse import summarise
from abstention.schemas import write_table

with step_log(snakemake.log[0], "multiverse") as log:
    table = pd.concat([pd.read_parquet(path) for path in snakemake.input.chunks],
                      ignore_index=True)
    write_table(table, snakemake.output.specifications)
    summary = summarise(table, snakemake.params.tie, snakemake.params.draws)
    write_table(summary, snakemake.output.summary)
    log.info("%d specifications\n%s", len(table), summary.to_string(index=False))
