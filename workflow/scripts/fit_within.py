import pandas as pd

from abstention.logs import step_log
from abstention.models.within import within_effects
from abstention.schemas import write_table

with step_log(snakemake.log[0], f"within {snakemake.wildcards.patron}") as log:
    table = within_effects(pd.read_parquet(snakemake.input.panel), snakemake.wildcards.patron,
                           snakemake.params.settings)
    write_table(table, snakemake.output[0])
    log.info("%s", table.to_string())
