import pandas as pd

from abstention.logs import step_log
from abstention.models.within_multiverse import within_multiverse
from abstention.schemas import write_table

with step_log(snakemake.log[0], f"within multiverse {snakemake.wildcards.patron}") as log:
    table = within_multiverse(pd.read_parquet(snakemake.input.panel),
                              snakemake.wildcards.patron, snakemake.params.settings)
    write_table(table, snakemake.output[0])
    log.info("%d specifications\n%s", len(table), table.to_string())
