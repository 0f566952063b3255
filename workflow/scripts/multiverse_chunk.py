import pandas as pd

from abstention.logs import step_log
from abstention.models.multiverse import specification_table
from abstention.schemas import write_table

with step_log(snakemake.log[0], "multiverse chunk") as log:
    params = snakemake.params
    table = specification_table(pd.read_parquet(snakemake.input.panel),
                                pd.read_parquet(snakemake.input.imputations), params.settings,
                                params.texts, int(snakemake.wildcards.chunk), params.chunks)
    write_table(table, snakemake.output[0])
    log.info("chunk %s: %d specifications, %s", snakemake.wildcards.chunk, len(table),
             table["status"].value_counts().to_dict())
